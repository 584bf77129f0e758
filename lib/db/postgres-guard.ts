/**
 * A guard for a known postgres.js defect (3.4.x, porsager/postgres#1154 and #1208, fix proposed in
 * PR #1209, not released): a write smaller than 1 KiB is deferred with setImmediate, and when the
 * connection closes before it runs (a database restart, a proxy cutting the connection), the
 * deferred `nextWrite` calls `socket.write` on a null socket. The TypeError is thrown from the
 * immediate, outside any await, so it kills the process: every request in flight is lost, and an
 * instance under load dies on each database blip (the fault suite saw it when the proxy cut).
 *
 * By then the connection's close has already rejected its in-flight queries with
 * CONNECTION_CLOSED and the pool replaces the connection, so dropping that one write is what the
 * upstream fix does for pooled connections. This handler swallows exactly that error (TypeError,
 * "reading 'write'", thrown in postgres' connection.js nextWrite) and logs it; any other uncaught
 * exception still ends the process with exit code 1, as Node's default would.
 * Installed by the server entry (scripts/start.ts); the test runner ignores the same error through
 * `isNullSocketWriteTrace` (vitest.config.ts).
 */
import { getLogger } from '../observability/logger';

export function isPostgresNullSocketWrite(err: unknown): boolean {
  return err instanceof TypeError && isNullSocketWriteTrace(err);
}

/** The same test on an error known only by its name, message and stack: vitest reports a worker's
 * uncaught error serialised (vitest.config.ts ignores exactly this one, as the server does). */
export function isNullSocketWriteTrace(err: { name?: string; message?: string; stack?: string }): boolean {
  if (err.name !== 'TypeError' || !/reading 'write'|evaluating 'socket\.write'/.test(err.message ?? '')) return false;
  const top = (err.stack ?? '').split('\n').slice(1, 3).join('\n');
  return /nextWrite/.test(top) && /postgres[\\/](cjs[\\/])?src[\\/]connection\.js/.test(top);
}

let installed = false;

export function installPostgresWriteGuard(): void {
  if (installed) return;
  installed = true;
  process.on('uncaughtException', (err, origin) => {
    if (isPostgresNullSocketWrite(err)) {
      getLogger().warn(
        { err: err.message },
        'database connection closed under a pending write (postgres.js null-socket defect); write dropped, connection replaced',
      );
      return;
    }
    // Node's default for everything else: report and exit 1.
    process.stderr.write(
      `${origin === 'unhandledRejection' ? 'Unhandled rejection' : 'Uncaught exception'}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  });
}
