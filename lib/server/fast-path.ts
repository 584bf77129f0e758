/**
 * The gateway's plain-Node handler for /api/v1/* (served by the custom server in
 * lib/server/node-server.ts, outside Next's request machinery), and its shutdown hook.
 * Same code as the Next route handlers under app/api/v1: both go through lib/gateway.
 */
import type { FastPathHandler } from './node-server';

export async function loadFastPath(): Promise<FastPathHandler | undefined> {
  if (process.env.RADIANT_GATEWAY_FAST_PATH === '0') return undefined;
  const { getGateway } = await import('../gateway');
  const gw = getGateway();
  // Loads the catalog and starts the metering writer before the first request.
  await gw.ready();
  return gw.nodeHandler;
}

/** Lets requests in flight finish until the deadline (open streams are then ended and metered
 * as partial), flushes metering (and provider health, key usage, thermal state) and closes
 * connections. */
export async function shutdownGateway(deadlineMs?: number): Promise<void> {
  const { peekGateway } = await import('../gateway');
  const { closeInvalidationPublisher } = await import('../gateway/invalidation');
  const gw = peekGateway();
  if (gw) await gw.shutdown(deadlineMs);
  await closeInvalidationPublisher();
}

/** Second signal / hard deadline: journal what metering holds only in memory, sync, return. */
export async function emergencyStopGateway(): Promise<void> {
  const { peekGateway } = await import('../gateway');
  peekGateway()?.writer.stopNow();
}
