/**
 * A small LRU map with per-entry expiry, built on Map's insertion order (get() moves an entry to
 * the back). O(1) get/set/delete; bounded by `max` entries. Used for the API-key cache, tenant
 * configs and the in-process response cache.
 */
export interface LruEntry<V> {
  value: V;
  /** Epoch ms after which the entry is stale. */
  expiresAt: number;
  /** Optional weight (bytes) for size-bounded caches. */
  weight: number;
}

export class TtlLru<V> {
  private readonly map = new Map<string, LruEntry<V>>();
  private totalWeight = 0;

  constructor(
    private readonly max: number,
    private readonly maxWeight = Number.POSITIVE_INFINITY,
  ) {}

  get size(): number {
    return this.map.size;
  }

  /** The entry even when stale (callers decide: serve stale while refreshing, or on error). */
  peekEntry(key: string): LruEntry<V> | undefined {
    return this.map.get(key);
  }

  /** A fresh value, or undefined (stale entries are kept for peekEntry). */
  get(key: string, now = Date.now()): V | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    if (e.expiresAt <= now) return undefined;
    // Move to the back (most recently used).
    this.map.delete(key);
    this.map.set(key, e);
    return e.value;
  }

  set(key: string, value: V, ttlMs: number, weight = 0, now = Date.now()): void {
    const old = this.map.get(key);
    if (old) {
      this.totalWeight -= old.weight;
      this.map.delete(key);
    }
    this.map.set(key, { value, expiresAt: now + ttlMs, weight });
    this.totalWeight += weight;
    while (this.map.size > this.max || this.totalWeight > this.maxWeight) {
      const oldest = this.map.keys().next();
      if (oldest.done) break;
      this.delete(oldest.value);
    }
  }

  delete(key: string): boolean {
    const e = this.map.get(key);
    if (!e) return false;
    this.totalWeight -= e.weight;
    return this.map.delete(key);
  }

  /** Deletes every entry whose value matches. O(n): for rare invalidations only. */
  deleteWhere(pred: (value: V, key: string) => boolean): number {
    let n = 0;
    for (const [k, e] of this.map) {
      if (pred(e.value, k)) {
        this.totalWeight -= e.weight;
        this.map.delete(k);
        n++;
      }
    }
    return n;
  }

  clear(): void {
    this.map.clear();
    this.totalWeight = 0;
  }
}
