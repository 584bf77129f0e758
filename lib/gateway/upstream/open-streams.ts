/**
 * Streams being relayed right now, so a shutdown can end them at its deadline: each is ended
 * with a final SSE error event (`server_shutdown`) and metered as `partial` with what was sent
 * (docs/operations.md, "Stopping an instance"). Process-wide: one gateway serves a process.
 */
const open = new Set<() => void>();
let ending = false;

/** Registers a stream's "end now"; returns its unregister. A stream opened after the shutdown
 * deadline passed is ended at once. */
export function registerOpenStream(endNow: () => void): () => void {
  if (ending) queueMicrotask(endNow);
  open.add(endNow);
  return () => open.delete(endNow);
}

/** Ends every open stream (shutdown deadline). Returns how many were open. */
export function endOpenStreams(): number {
  ending = true;
  const n = open.size;
  for (const end of [...open]) end();
  return n;
}

/** Tests: a gateway started after another shut down in the same process. */
export function resetOpenStreams(): void {
  ending = false;
}
