/** Parameters several query groups share. */
import type { QueryParam } from './query.js';

export const SERVICE: QueryParam = {
  name: 'service',
  type: 'String',
  description: 'service.name to filter on; empty for all',
  default: '',
};

/** SQL condition for the service filter on a column. */
export const serviceFilter = (column: string) => `({service:String} = '' OR ${column} = {service:String})`;
