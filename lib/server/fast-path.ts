/** The gateway's plain-Node handler for /api/v1/*, once the gateway exists (issue: gateway).
 * Until then every path goes to Next, which answers /api/v1 from app/api/v1 route handlers. */
import type { FastPathHandler } from './node-server';

export async function loadFastPath(): Promise<FastPathHandler | undefined> {
  return undefined;
}

export async function shutdownGateway(): Promise<void> {}
