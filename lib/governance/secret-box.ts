/** Moved to lib/platform/secret-box.ts; kept for lib/gateway/gateway.ts until the pipeline lands. */
export { decryptSecret } from '../platform/secret-box';
