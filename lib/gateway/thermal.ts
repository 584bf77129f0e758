/**
 * Thermal state of self-hosted models from recent traffic (the seed's model-state table):
 *
 *   HOT   at least HOT_REQUESTS requests in the last 5 minutes
 *   WARM  a request within the last 15 minutes
 *   COLD  the last request was 15-60 minutes ago (weights unloaded; a warm-up is needed)
 *   OFF   no request for 60 minutes, or never (a warm-up is needed)
 *
 * The optimizer prices OFF/COLD models with their warm-up cost, and a request that arrives while
 * the model is OFF or COLD is metered with `coldStart` (the model's warm-up cost, marked up).
 * Tracked in memory; persisted to models.thermal_state periodically; seeded from it on start.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { withPlatform } from '../db/tenant';
import type { GatewayModel } from './state';

export type Thermal = 'OFF' | 'COLD' | 'WARM' | 'HOT';

export const WARM_MS = 15 * 60_000;
export const OFF_MS = 60 * 60_000;
export const HOT_WINDOW_MS = 5 * 60_000;
export const HOT_REQUESTS = 10;

interface Track {
  lastAt: number;
  recent: number[];
  persisted: Thermal | null;
}

export class ThermalTracker {
  private readonly tracks = new Map<string, Track>();

  /** Seed from the persisted state (once per model, when first seen in a snapshot). */
  seed(models: GatewayModel[]): void {
    for (const m of models) {
      if (!m.isSelfHosted || this.tracks.has(m.id)) continue;
      const at = m.thermalUpdatedAt?.getTime() ?? 0;
      let lastAt = 0;
      if (m.thermalState === 'HOT' || m.thermalState === 'WARM') lastAt = at;
      else if (m.thermalState === 'COLD') lastAt = at - WARM_MS;
      const persisted = m.thermalState && m.thermalState !== 'AUTOMATIC' ? m.thermalState : null;
      this.tracks.set(m.id, { lastAt, recent: [], persisted });
    }
  }

  state(modelId: string, now = Date.now()): Thermal {
    const t = this.tracks.get(modelId);
    if (!t || t.lastAt === 0) return 'OFF';
    const idle = now - t.lastAt;
    if (idle >= OFF_MS) return 'OFF';
    if (idle >= WARM_MS) return 'COLD';
    let n = 0;
    for (const r of t.recent) if (now - r < HOT_WINDOW_MS) n++;
    return n >= HOT_REQUESTS ? 'HOT' : 'WARM';
  }

  /** Records a request; returns the state the request found the model in. */
  touch(modelId: string, now = Date.now()): Thermal {
    const before = this.state(modelId, now);
    let t = this.tracks.get(modelId);
    if (!t) {
      t = { lastAt: 0, recent: [], persisted: null };
      this.tracks.set(modelId, t);
    }
    t.lastAt = now;
    t.recent.push(now);
    if (t.recent.length > HOT_REQUESTS * 2) t.recent.splice(0, t.recent.length - HOT_REQUESTS);
    return before;
  }

  /** Records a request to a self-hosted model; true when it found the model off or cold (it had to
   * be warmed up, which is billed as a cold start). */
  coldStart(modelId: string, now = Date.now()): boolean {
    const before = this.touch(modelId, now);
    return before === 'OFF' || before === 'COLD';
  }

  /** Persists models whose state changed since the last flush. */
  async flush(db: Db, now = Date.now()): Promise<void> {
    const changed: Array<{ id: string; state: Thermal }> = [];
    for (const [id, t] of this.tracks) {
      const st = this.state(id, now);
      if (st !== t.persisted) changed.push({ id, state: st });
    }
    if (changed.length === 0) return;
    await withPlatform(async (tx) => {
      await tx.execute(sql`
        UPDATE models AS m SET thermal_state = x.state, thermal_updated_at = now()
        FROM jsonb_to_recordset(${JSON.stringify(changed)}::jsonb) AS x(id varchar, state varchar)
        WHERE m.id = x.id`);
    }, db);
    for (const c of changed) {
      const t = this.tracks.get(c.id);
      if (t) t.persisted = c.state;
    }
  }
}

/** last_used_at / usage_count of API keys, aggregated in memory and written in batches. */
export class KeyUsageTracker {
  private pending = new Map<string, { n: number; last: number }>();

  touch(keyId: string, now = Date.now()): void {
    const p = this.pending.get(keyId);
    if (p) {
      p.n++;
      if (now > p.last) p.last = now;
    } else this.pending.set(keyId, { n: 1, last: now });
  }

  async flush(db: Db): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    const rows = [...batch].map(([id, p]) => ({ id, n: p.n, t: new Date(p.last).toISOString() }));
    try {
      await withPlatform(async (tx) => {
        await tx.execute(sql`
          UPDATE api_keys AS k SET usage_count = k.usage_count + x.n,
            last_used_at = greatest(coalesce(k.last_used_at, x.t), x.t)
          FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(id uuid, n bigint, t timestamptz)
          WHERE k.id = x.id`);
      }, db);
    } catch (err) {
      // Put the counts back; they are written with the next flush.
      for (const [id, p] of batch) {
        const cur = this.pending.get(id);
        if (cur) {
          cur.n += p.n;
          cur.last = Math.max(cur.last, p.last);
        } else this.pending.set(id, p);
      }
      throw err;
    }
  }
}
