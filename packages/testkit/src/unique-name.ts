import { randomBytes } from 'node:crypto';

/**
 * A name unique to this test run, safe as a NATS token, a database name and a model id:
 * the servers keep state between runs, so every run makes and removes its own.
 */
export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
}
