/**
 * The metering writer: usage events (and opt-in request logs and content-policy rejections) are
 * queued by the request path and written to the database in batches, off the response path.
 *
 * Guarantees (docs/gateway.md, "Metering"):
 *  - Exactly one usage_events row per request: rows are materialised once (priced with the rates
 *    and markup snapshotted when the request was made) and inserted once per request id (the
 *    ledger's insert trigger skips an id already in usage_request_ids: drizzle/0016), so a
 *    retried batch or a journal replayed twice never bills twice.
 *  - Nothing is lost with the process: each event is appended to the write-ahead journal
 *    (lib/gateway/metering/journal.ts) when it is queued, and group-fsynced every 20 ms; a
 *    segment is deleted only after its rows committed; a restart replays what is left.
 *  - The writer never stalls on one event: a batch the database refuses as DATA (SQLSTATE class
 *    22/23, a trigger's exception) is bisected; the refused rows go to metering_quarantine and
 *    everything else is written. An event that cannot even be priced is quarantined at once.
 *  - Database outage: the batch stays queued, retried with backoff (250 ms doubling to 5 s).
 *    Memory is bounded: beyond `maxQueued` events the journaled ones are dropped from memory and
 *    replayed from their segments when the database answers again.
 *  - Disk outage (ENOSPC, EACCES...): events stay in memory (alarm: log, metric); past
 *    `maxUnjournaled` such events `acceptingPaidRequests` turns false and the gateway answers
 *    paid requests 503 + Retry-After rather than serve what it might not bill.
 *  - stop(deadline): flush to the database until the deadline; what is left is in the journal.
 *    stopNow(): journal what is only in memory, sync, return (second signal).
 */
import { gatewayLog } from '../log';
import type { Db } from '../../db/client';
import { Journal, readSegment, type JournalLine, type Segment } from './journal';
import { observeWriterHealth } from './metrics';
import { quarantineRows, raiseQuarantineNotice, type QuarantineRecord } from './quarantine';
import { errorText, isRowError, priceOf, sqlState, toLine, writeRows, type MeteringItem, type PendingUsage, type RowLine } from './rows';

export { priceOf } from './rows';
export type { MeteringItem, PendingUsage, UsageStatus } from './rows';

export interface WriterOptions {
  db: () => Promise<Db>;
  /** Metrics hooks: a batch written (seconds, usage events), usage events that failed to write. */
  onFlush?: (seconds: number, usageEvents: number) => void;
  onWriteFailure?: (usageEvents: number) => void;
  flushMs: number;
  batchSize: number;
  /** Events kept in memory while the database is away; beyond, journaled ones are evicted. */
  maxQueued: number;
  /** Base journal folder (the instance's own folder is made inside). */
  journalDir: string;
  /** Journal folder name (default RADIANT_INSTANCE_ID, else the host name). */
  instanceId?: string;
  /** Events held only in memory (journal down) before paid requests are refused (default 10,000). */
  maxUnjournaled?: number;
  /** Group fsync interval (default 20 ms). */
  journalSyncMs?: number;
  /** How often segments of instances that stopped are adopted while running (default 5 s). */
  journalOrphanScanMs?: number;
}

export interface WriterStats {
  queued: number;
  written: number;
  writeFailures: number;
  consecutiveFailures: number;
  /** Events evicted from memory to be replayed from the journal (memory bound). */
  journaledEvents: number;
  /** Events appended to the write-ahead journal. */
  appendedEvents: number;
  /** Events written from journal segments (previous run, or evicted). */
  replayedEvents: number;
  quarantinedEvents: number;
  /** Journal lines skipped on replay: torn last lines and corrupt lines. */
  tornLines: number;
  corruptLines: number;
  /** Events held only in memory because the journal cannot be written. */
  unjournaled: number;
  journalHealthy: boolean;
  lastFlushMs: number | null;
  lastError: string | null;
}

interface Entry {
  line: JournalLine;
  /** The queued usage event (budget: pendingSpend); null for other kinds. */
  usage: PendingUsage | null;
  seg: Segment | null;
}

/** SQLSTATE classes that mean "the database is away or busy" (retry), not "this row is wrong". */
function isTransient(err: unknown): boolean {
  const s = sqlState(err);
  return s === null || /^(08|40|53|54|55|57|58|XX|F0|HV)/.test(s);
}

const QUARANTINE_CHECK_MS = 5 * 60_000;
const BACKLOG_BATCHES = 10;
const DEFAULT_MAX_UNJOURNALED = Number(process.env.RADIANT_METERING_MAX_UNJOURNALED) > 0 ? Number(process.env.RADIANT_METERING_MAX_UNJOURNALED) : 10_000;

export class MeteringWriter {
  private queue: Entry[] = [];
  private timer: NodeJS.Timeout | null = null;
  private syncTimer: NodeJS.Timeout | null = null;
  private busy: Promise<void> | null = null;
  private nextAttemptAt = 0;
  /** Entries at the front of the queue that belong to the batch being written. */
  private writing = 0;
  private stopped = false;
  private lastQuarantineCheck = Date.now();
  private readonly journal: Journal;
  private readonly unobserve: () => void;
  readonly stats: WriterStats = {
    queued: 0,
    written: 0,
    writeFailures: 0,
    consecutiveFailures: 0,
    journaledEvents: 0,
    appendedEvents: 0,
    replayedEvents: 0,
    quarantinedEvents: 0,
    tornLines: 0,
    corruptLines: 0,
    unjournaled: 0,
    journalHealthy: true,
    lastFlushMs: null,
    lastError: null,
  };

  constructor(private readonly o: WriterOptions) {
    this.journal = new Journal({ dir: o.journalDir, instanceId: o.instanceId, syncMs: o.journalSyncMs, orphanScanMs: o.journalOrphanScanMs });
    this.unobserve = observeWriterHealth(() => ({
      journalHealthy: this.journal.healthy,
      unjournaled: this.stats.unjournaled,
      accepting: this.acceptingPaidRequests,
    }));
  }

  /** The instance's journal folder (after start). */
  get journalDir(): string {
    return this.journal.dir;
  }

  start(): void {
    if (this.timer) return;
    this.stopped = false;
    this.journal.open();
    this.stats.journalHealthy = this.journal.healthy;
    this.timer = setInterval(() => void this.tick(), this.o.flushMs);
    this.timer.unref();
    this.syncTimer = setInterval(() => void this.journal.sync(), this.journal.syncIntervalMs);
    this.syncTimer.unref();
    // Segments left by a previous run are replayed soon after start.
    setTimeout(() => void this.tick(), 10).unref();
  }

  /**
   * False while events could be lost: the journal cannot be written AND more than
   * `maxUnjournaled` events are held only in memory. The gateway then refuses paid requests
   * (503 + Retry-After). Free requests (cache hits, listings) are unaffected.
   */
  get acceptingPaidRequests(): boolean {
    return this.journal.healthy || this.stats.unjournaled < (this.o.maxUnjournaled ?? DEFAULT_MAX_UNJOURNALED);
  }

  enqueue(item: MeteringItem): void {
    let line: JournalLine;
    try {
      line = toLine(item);
    } catch (err) {
      // Cannot be priced (impossible quantities): quarantined as sent, never retried forever.
      line = {
        kind: 'quarantine',
        q: { kind: 'unpriced', requestId: item.requestId, tenantId: item.tenantId, reason: errorText(err), sqlState: null, payload: safePayload(item) },
      };
    }
    const entry: Entry = { line, usage: item.kind === 'usage' && line.kind === 'usage' ? item : null, seg: null };
    entry.seg = this.journal.append([line]);
    if (entry.seg) this.stats.appendedEvents++;
    else this.noteUnjournaled(1);
    this.queue.push(entry);
    this.stats.queued = this.queue.length;
    if (this.queue.length > this.o.maxQueued) this.evict();
    else if (this.queue.length >= this.o.batchSize && !this.busy && Date.now() >= this.nextAttemptAt) void this.tick();
  }

  private noteUnjournaled(n: number): void {
    this.stats.unjournaled += n;
    this.stats.journalHealthy = this.journal.healthy;
  }

  /** Memory bound: journaled events leave memory and are replayed from disk later. */
  private evict(): void {
    if (!this.journal.healthy) return; // nowhere to put them: keep in memory (see acceptingPaidRequests)
    const segs = new Set(this.journal.evictAll());
    if (!this.journal.healthy) return;
    const head = this.queue.slice(0, this.writing);
    const rest = this.queue.slice(this.writing);
    const kept = rest.filter((e) => !e.seg || !segs.has(e.seg));
    this.stats.journaledEvents += rest.length - kept.length;
    this.queue = head.concat(kept);
    this.stats.queued = this.queue.length;
    gatewayLog.warn({ evicted: rest.length - kept.length, segments: segs.size }, 'metering queue over its bound; events left in the journal for replay');
  }

  get depth(): number {
    return this.queue.length;
  }

  /** Spend (nano-dollars) of queued usage events matching `pred` (budget seeding). */
  pendingSpend(pred: (u: PendingUsage) => boolean, toNano: (price: string) => bigint): bigint {
    let total = 0n;
    for (const e of this.queue) {
      const u = e.usage;
      if (u && !u.free && pred(u)) total += toNano(priceOf(u).price);
    }
    return total;
  }

  /** One flush cycle (no-op while a previous one runs or while backing off). */
  tick(): Promise<void> {
    if (this.busy) return this.busy;
    if (Date.now() < this.nextAttemptAt) return Promise.resolve();
    this.busy = this.cycle()
      .catch((err: unknown) => {
        gatewayLog.error({ err: errorText(err) }, 'metering cycle failed');
      })
      .finally(() => {
        this.busy = null;
      });
    return this.busy;
  }

  private async cycle(): Promise<void> {
    this.journal.maintain();
    if (!this.journal.healthy && this.journal.retry()) this.rejournal();
    this.stats.journalHealthy = this.journal.healthy;
    let db: Db;
    try {
      db = await this.o.db();
    } catch (err) {
      this.onFailure(err);
      return;
    }
    while (this.queue.length > 0) {
      // A backlog (a burst, the database back after an outage) goes in bigger statements, up to
      // BACKLOG_BATCHES batches at once: one statement of 5,000 rows writes ~1.6x the events/s
      // of ten of 500 (npm run bench:billing); a short queue keeps the latency of small ones.
      const batch = this.queue.slice(0, this.o.batchSize * BACKLOG_BATCHES);
      const started = Date.now();
      this.writing = batch.length;
      try {
        await this.writeLines(
          db,
          batch.map((e) => e.line),
          this.stats.consecutiveFailures >= 3,
        );
      } catch (err) {
        this.writing = 0;
        this.o.onWriteFailure?.(batch.filter((e) => e.line.kind === 'usage').length);
        this.onFailure(err);
        return;
      }
      this.writing = 0;
      this.queue.splice(0, batch.length);
      for (const e of batch) {
        if (e.seg) this.journal.committed(e.seg);
        else this.stats.unjournaled = Math.max(0, this.stats.unjournaled - 1);
      }
      this.stats.written += batch.length;
      this.stats.lastFlushMs = Date.now() - started;
      this.o.onFlush?.(this.stats.lastFlushMs / 1000, batch.filter((e) => e.line.kind === 'usage').length);
      this.stats.consecutiveFailures = 0;
      this.nextAttemptAt = 0;
      if (this.queue.length < this.o.batchSize) break;
    }
    this.stats.queued = this.queue.length;
    if (this.queue.length < this.o.batchSize) await this.replayDisk(db);
    if (Date.now() - this.lastQuarantineCheck > QUARANTINE_CHECK_MS) {
      this.lastQuarantineCheck = Date.now();
      await raiseQuarantineNotice(db).catch(() => {});
    }
  }

  /** The journal is writable again: append what was held only in memory. */
  private rejournal(): void {
    const orphans = this.queue.slice(this.writing).filter((e) => !e.seg);
    if (orphans.length === 0) return;
    const seg = this.journal.append(orphans.map((e) => e.line));
    if (!seg) return;
    for (const e of orphans) e.seg = seg;
    this.stats.appendedEvents += orphans.length;
    this.stats.unjournaled = Math.max(0, this.stats.unjournaled - orphans.length);
  }

  /**
   * Writes lines; rows the database refuses as data are bisected down to the offending ones,
   * which are quarantined with the rest of the batch's quarantine records. Throws (the caller
   * retries the whole batch later: idempotent) when the database is away.
   */
  private async writeLines(db: Db, lines: JournalLine[], poisonSuspected: boolean): Promise<void> {
    const quarantine: QuarantineRecord[] = [];
    const rows: RowLine[] = [];
    for (const l of lines) {
      if (l.kind === 'quarantine') quarantine.push(l.q);
      else rows.push(l);
    }
    await this.writeBisect(db, rows, quarantine, poisonSuspected);
    if (quarantine.length) {
      await quarantineRows(db, quarantine);
      this.stats.quarantinedEvents += quarantine.length;
    }
  }

  private async writeBisect(db: Db, rows: RowLine[], out: QuarantineRecord[], poisonSuspected: boolean): Promise<void> {
    if (rows.length === 0) return;
    try {
      const r = await writeRows(db, rows);
      if (r.orphans.length) {
        const byId = new Map(rows.filter((l) => l.kind === 'usage').map((l) => [String(l.row.request_id), l]));
        for (const o of r.orphans) out.push(quarantineOf(byId.get(o.requestId)!, o.reason, null));
      }
    } catch (err) {
      // A data refusal; or, after repeated failures, any error that is not the database being
      // away (a row the code cannot write must not block the queue either).
      if (!(isRowError(err) || (poisonSuspected && !isTransient(err)))) throw err;
      if (rows.length === 1) {
        out.push(quarantineOf(rows[0]!, errorText(err), sqlState(err)));
        return;
      }
      const mid = rows.length >> 1;
      await this.writeBisect(db, rows.slice(0, mid), out, poisonSuspected);
      await this.writeBisect(db, rows.slice(mid), out, poisonSuspected);
    }
  }

  private onFailure(err: unknown): void {
    this.stats.writeFailures++;
    this.stats.consecutiveFailures++;
    this.stats.lastError = errorText(err);
    const n = this.stats.consecutiveFailures;
    this.nextAttemptAt = Date.now() + Math.min(5000, 250 * 2 ** Math.min(n - 1, 5));
    if (n === 1 || n % 20 === 0)
      gatewayLog.warn({ err: this.stats.lastError, sqlState: sqlState(err), queued: this.queue.length }, 'metering write failed; will retry');
    if (this.queue.length > this.o.maxQueued) this.evict();
    this.stats.queued = this.queue.length;
  }

  /** Replays journal segments left on disk (previous run, or evicted), oldest first. */
  private async replayDisk(db: Db): Promise<void> {
    while (this.journal.diskSegments.length > 0 && !this.stopped) {
      const seg = this.journal.diskSegments[0]!;
      let contents;
      try {
        contents = readSegment(seg.file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
          this.journal.retireDisk(seg);
          continue;
        }
        gatewayLog.error({ file: seg.file, err: String(err) }, 'metering journal segment unreadable; will retry');
        return;
      }
      try {
        for (let i = 0; i < contents.lines.length; i += this.o.batchSize) {
          await this.writeLines(db, contents.lines.slice(i, i + this.o.batchSize), true);
        }
      } catch (err) {
        this.onFailure(err);
        gatewayLog.warn({ file: seg.file, err: errorText(err) }, 'metering journal replay failed; will retry');
        return;
      }
      if (contents.torn) {
        this.stats.tornLines++;
        gatewayLog.warn(
          { file: seg.file },
          'metering journal: torn last line skipped (the process died mid-write; that event had not been answered as journaled)',
        );
      }
      if (contents.corrupt) {
        this.stats.corruptLines += contents.corrupt;
        gatewayLog.error({ file: seg.file, lines: contents.corrupt }, 'metering journal: corrupt lines skipped (disk damage?)');
      }
      this.journal.retireDisk(seg);
      this.stats.replayedEvents += contents.lines.length;
      gatewayLog.info({ file: seg.file, events: contents.lines.length }, 'metering journal segment replayed');
    }
  }

  /** Flush (shutdown): write to the database until the deadline; the rest stays journaled. */
  async drain(deadlineMs = 10_000): Promise<void> {
    const deadline = Date.now() + deadlineMs;
    while (this.queue.length > 0 && Date.now() < deadline) {
      this.nextAttemptAt = 0;
      const wait = new Promise((r) => setTimeout(r, Math.max(1, deadline - Date.now())));
      await Promise.race([this.tick(), wait]);
      if (this.queue.length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, Math.min(100, Math.max(1, deadline - Date.now()))));
    }
    this.stats.queued = this.queue.length;
  }

  async stop(deadlineMs?: number): Promise<void> {
    const deadline = Date.now() + (deadlineMs ?? 10_000);
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.busy) await Promise.race([this.busy.catch(() => {}), new Promise((r) => setTimeout(r, Math.max(1, deadline - Date.now())))]);
    await this.drain(Math.max(0, deadline - Date.now()));
    this.closeJournal();
  }

  /** Second signal / deadline passed: journal what is only in memory, sync, and return. */
  stopNow(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.closeJournal();
  }

  private closeJournal(): void {
    if (this.syncTimer) clearInterval(this.syncTimer);
    this.syncTimer = null;
    if (!this.journal.healthy) this.journal.retry();
    if (this.journal.healthy) this.rejournalAll();
    const lost = this.queue.filter((e) => !e.seg).length;
    if (lost > 0) gatewayLog.error({ events: lost, err: this.journal.lastError }, 'metering: events could not be journaled before exit and are lost');
    else if (this.queue.length > 0)
      gatewayLog.warn({ events: this.queue.length, dir: this.journal.dir }, 'metering not flushed before shutdown; left in the journal for the next start');
    this.journal.close();
    this.unobserve();
  }

  private rejournalAll(): void {
    const orphans = this.queue.filter((e) => !e.seg);
    if (orphans.length === 0) return;
    const seg = this.journal.append(orphans.map((e) => e.line));
    if (seg) for (const e of orphans) e.seg = seg;
  }

  get isStopped(): boolean {
    return this.stopped;
  }
}

function quarantineOf(l: RowLine, reason: string, state: string | null): QuarantineRecord {
  return {
    kind: l.kind,
    requestId: String(l.row.request_id ?? ''),
    tenantId: typeof l.row.tenant_id === 'string' ? l.row.tenant_id : null,
    reason,
    sqlState: state,
    payload: l.row,
  };
}

/** A queued item as JSON-safe data (for an event that could not be priced). */
function safePayload(item: MeteringItem): unknown {
  try {
    return JSON.parse(JSON.stringify(item)) as unknown;
  } catch {
    return { requestId: item.requestId, kind: item.kind };
  }
}
