import { STATUS_CODES } from 'node:http';

/** The reason phrase of `status` (`'Not Found'`), or `''` for a code without one: Node's table. */
export function statusText(status: number): string {
  return STATUS_CODES[status] ?? '';
}
