/**
 * The client address as privacy allows (TC9_IP_MODE): dropped, truncated to its network (IPv4 /24,
 * IPv6 /48, as common analytics anonymisation does), or kept.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { expandIpv6, type IpMode } from '../privacy/ip.js';

export function clientAddress(address: string | undefined, mode: IpMode): string | undefined {
  if (!address || mode === 'drop') return undefined;
  const ip = address.startsWith('::ffff:') && isIPv4(address.slice(7)) ? address.slice(7) : address;
  if (mode === 'keep') return ip;
  if (isIPv4(ip)) return ip.replace(/\.\d+$/, '.0');
  if (isIPv6(ip)) return `${expandIpv6(ip).slice(0, 3).join(':')}::`;
  return undefined; // not an address: nothing worth keeping
}
