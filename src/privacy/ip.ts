/**
 * Client IP addresses are personal data: per config they are dropped, truncated (IPv4 to its /24,
 * IPv6 to its /48, as analytics tools commonly do) or kept.
 */
import { isIP } from 'node:net';

export type IpMode = 'drop' | 'truncate' | 'keep';

/** Attributes that hold a peer's or client's address (current and older semantic conventions). */
export const IP_KEYS = new Set([
  'client.address',
  'network.peer.address',
  'http.client_ip',
  'net.peer.ip',
  'net.sock.peer.addr',
  'source.address',
  'http.request.header.x-forwarded-for',
  'http.request.header.x-real-ip',
]);

/** The truncated form of an IP address, or undefined when `value` is not one. */
export function truncateIp(value: string): string | undefined {
  const ip = value
    .trim()
    .replace(/^\[|\]$/g, '')
    .replace(/%.*$/, '');
  const kind = isIP(ip);
  if (kind === 4) return ip.replace(/\.\d+$/, '.0');
  if (kind !== 6) return undefined;
  const mapped = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
  if (mapped) return `${mapped[1]}${mapped[2]!.replace(/\.\d+$/, '.0')}`;
  const groups = expandIpv6(ip);
  return `${groups.slice(0, 3).join(':')}::`;
}

/** The eight groups of an IPv6 address ("::" filled with zeros, a zone dropped), lower case without leading zeros. */
export function expandIpv6(ip: string): string[] {
  const [head = '', tail] = ip.split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const missing = 8 - left.length - right.length;
  const groups = [...left, ...Array.from({ length: tail === undefined ? 0 : missing }, () => '0'), ...right];
  return groups.map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''));
}

/**
 * The value an IP attribute keeps under `mode`: undefined to drop it. A list (x-forwarded-for:
 * "a, b") is handled per address; something that is not an address is dropped unless mode is keep.
 */
export function applyIpMode(value: unknown, mode: IpMode): unknown {
  if (mode === 'keep') return value;
  if (mode === 'drop') return undefined;
  if (Array.isArray(value)) {
    const out = value.map((v) => (typeof v === 'string' ? truncateList(v) : undefined)).filter((v) => v !== undefined);
    return out.length ? out : undefined;
  }
  return typeof value === 'string' ? truncateList(value) : undefined;
}

function truncateList(value: string): string | undefined {
  const parts = value.split(',').map((p) => truncateIp(p));
  return parts.every((p) => p !== undefined) ? parts.join(', ') : undefined;
}
