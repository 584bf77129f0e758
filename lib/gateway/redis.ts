/**
 * Redis (ioredis) for the shared state of several gateway instances: rate limits, budgets,
 * provider cooldowns, the response cache and cache invalidation (pub/sub). Only used when
 * REDIS_URL (or options.redisUrl) is set; every key and channel carries the configured prefix.
 * Commands fail fast (no offline queue) so a Redis outage falls back to in-process state instead
 * of stalling requests.
 */
import Redis from 'ioredis';
import { gatewayLog } from './log';

export interface RedisBundle {
  client: Redis;
  prefix: string;
  /** Subscribes to the gateway's invalidation channel. */
  subscribe(handler: (message: GatewayBroadcast) => void): Promise<void>;
  publish(message: GatewayBroadcast): void;
  close(): Promise<void>;
}

export type GatewayBroadcast = (
  { type: 'key'; hash: string } | { type: 'tenant'; tenantId: string } | { type: 'catalog' } | { type: 'cooldown'; providerId: string; until: number }
) & {
  /** The instance that published it (it has applied the message already). */
  origin?: string;
};

export function openRedis(url: string, prefix: string): RedisBundle {
  const opts = { maxRetriesPerRequest: 1, enableOfflineQueue: true, connectTimeout: 2000, lazyConnect: false } as const;
  const client = new Redis(url, opts);
  client.on('error', (err: Error) => gatewayLog.warn({ err: err.message }, 'redis error'));
  let sub: Redis | null = null;
  const channel = `${prefix}gateway:broadcast`;
  return {
    client,
    prefix,
    async subscribe(handler) {
      sub = new Redis(url, { ...opts, maxRetriesPerRequest: null });
      sub.on('error', (err: Error) => gatewayLog.warn({ err: err.message }, 'redis subscriber error'));
      sub.on('message', (ch: string, msg: string) => {
        if (ch !== channel) return;
        try {
          handler(JSON.parse(msg) as GatewayBroadcast);
        } catch {
          /* ignore malformed */
        }
      });
      await sub.subscribe(channel);
    },
    publish(message) {
      client.publish(channel, JSON.stringify(message)).catch((err: unknown) => {
        gatewayLog.warn({ err: String(err) }, 'redis publish failed');
      });
    },
    async close() {
      await Promise.allSettled([client.quit(), sub?.quit()]);
      client.disconnect();
      sub?.disconnect();
    },
  };
}
