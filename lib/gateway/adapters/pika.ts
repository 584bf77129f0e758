/**
 * Pika has no official public API (pika.art offers its models to developers only through
 * third-party hosts such as fal.ai, under their own wire formats and accounts). The catalog keeps
 * Pika 2.0 with wire format 'none', so the gateway does not offer it to tenants; this is the
 * reason admins see for it.
 */
export const PIKA_UNAVAILABLE_REASON =
  'Pika publishes no public API of its own (its models are reachable only through third-party hosts), so RADIANT cannot call it: not offered to tenants.';
