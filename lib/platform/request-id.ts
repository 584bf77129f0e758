/** Request ids: one per incoming request (or background run), echoed as `x-request-id`, written on
 * audit rows and log lines, and quoted in generic 500 answers. */
import crypto from 'node:crypto';

export function newRequestId(): string {
  return crypto.randomUUID();
}
