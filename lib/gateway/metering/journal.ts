/**
 * The metering write-ahead journal (docs/gateway.md, "Metering").
 *
 * Every event is appended to the active segment the moment it is queued (one write(2) of one
 * NDJSON line: from then on a `kill -9` cannot lose it, the OS has it), and segments are
 * fdatasync'ed as a group every `syncMs` (20 ms by default, so a power loss loses at most that
 * much). A segment is deleted only when every line in it has been committed to the database
 * (`pending` reaches 0 after it was sealed). Whatever is left on disk after a crash (the active
 * segment, sealed ones, ones being replayed) is replayed by the next start: usage rows are
 * written once per request id (usage_request_ids, drizzle/0016), so a line written twice is
 * billed once.
 *
 * One directory per instance: <journalDir>/<instance id> (RADIANT_INSTANCE_ID, else the host
 * name), holding `owner.json` ({host, pid}). An instance that finds its directory owned by a live
 * process uses `<id>-<pid>`; at start it also adopts the segments of sibling directories on the
 * same host whose owner process is gone (rename into its own directory: atomic, so two
 * instances never adopt the same file).
 *
 * Disk errors (ENOSPC, EACCES, EROFS...) never throw to the caller: the journal turns unhealthy,
 * `append` returns null (the writer keeps the event in memory and counts it), and `retry()`
 * tries again (the writer calls it every tick).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gatewayLog } from '../log';
import { recordJournalError } from './metrics';
import type { QuarantineRecord } from './quarantine';
import type { RowLine } from './rows';

export type JournalLine = RowLine | { kind: 'quarantine'; q: QuarantineRecord };

export interface JournalOptions {
  /** Base folder; the instance's own folder is made inside. */
  dir: string;
  instanceId?: string;
  /** Group fdatasync interval (ms). */
  syncMs?: number;
  /** Seal the active segment past this size or age. */
  segmentMaxBytes?: number;
  segmentMaxAgeMs?: number;
  /** How often a running instance adopts segments of instances that stopped (ms). */
  orphanScanMs?: number;
}

type SegmentState = 'active' | 'sealed' | 'disk';

export class Segment {
  fd: number | null = null;
  state: SegmentState = 'active';
  /** Lines appended and not yet committed (active / sealed segments). */
  pending = 0;
  bytes = 0;
  dirty = false;
  readonly createdAt = Date.now();
  constructor(readonly file: string) {}
}

export interface SegmentContents {
  lines: JournalLine[];
  /** The last line was cut short (a crash mid-write): skipped. */
  torn: boolean;
  /** Unparseable lines before the last one (disk damage): skipped and reported. */
  corrupt: number;
}

/** Directories claimed in this process (several gateways in one test process). */
const claimedHere = new Set<string>();

let segSeq = 0;

function pidAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A process killed a moment ago can still be a zombie (signalable, not yet reaped): it will
  // never write again, so its segments are orphans. Linux only; elsewhere it counts as alive
  // until reaped, and the periodic orphan scan picks its segments up then.
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return true;
  }
}

function readOwner(dir: string): { host: string; pid: number } | null {
  try {
    const o = JSON.parse(fs.readFileSync(path.join(dir, 'owner.json'), 'utf8')) as { host?: unknown; pid?: unknown };
    return typeof o.host === 'string' && typeof o.pid === 'number' ? { host: o.host, pid: o.pid } : null;
  } catch {
    return null;
  }
}

const SEGMENT = /\.ndjson(\.open|\.replaying-\d+)?$/;

export function readSegment(file: string): SegmentContents {
  const text = fs.readFileSync(file, 'utf8');
  const parts = text.split('\n');
  const out: SegmentContents = { lines: [], torn: false, corrupt: 0 };
  // A file that does not end with a newline ends with a torn line.
  const last = parts.pop() ?? '';
  if (last.trim()) out.torn = true;
  for (let i = 0; i < parts.length; i++) {
    const l = parts[i]!;
    if (!l.trim()) continue;
    try {
      const v = JSON.parse(l) as JournalLine;
      if (v && typeof v === 'object' && typeof v.kind === 'string') out.lines.push(v);
      else out.corrupt++;
    } catch {
      if (i === parts.length - 1 && !last.trim()) out.torn = true;
      else out.corrupt++;
    }
  }
  return out;
}

export class Journal {
  readonly baseDir: string;
  dir: string;
  healthy = true;
  lastError: string | null = null;
  /** Segments left by a previous run (or evicted from memory) to be replayed from disk. */
  readonly diskSegments: Segment[] = [];
  private active: Segment | null = null;
  private readonly live = new Set<Segment>();
  private opened = false;
  private lastOrphanScan = 0;
  private syncing: Promise<void> | null = null;
  private readonly syncMs: number;
  private readonly maxBytes: number;
  private readonly maxAgeMs: number;
  private readonly orphanScanMs: number;
  private readonly instanceId: string;

  constructor(o: JournalOptions) {
    this.baseDir = o.dir;
    this.instanceId = (o.instanceId ?? process.env.RADIANT_INSTANCE_ID ?? os.hostname()).replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 100) || 'instance';
    this.dir = path.join(this.baseDir, this.instanceId);
    this.syncMs = o.syncMs ?? 20;
    this.maxBytes = o.segmentMaxBytes ?? 8 * 1024 * 1024;
    this.maxAgeMs = o.segmentMaxAgeMs ?? 2000;
    this.orphanScanMs = o.orphanScanMs ?? 5000;
  }

  get syncIntervalMs(): number {
    return this.syncMs;
  }

  /** Claims the instance folder and lists every segment left behind (own and orphaned). */
  open(): void {
    if (this.opened) return;
    this.opened = true;
    try {
      fs.mkdirSync(this.baseDir, { recursive: true });
      let dir = this.dir;
      const owner = readOwner(dir);
      if (claimedHere.has(dir) || (owner && owner.host === os.hostname() && owner.pid !== process.pid && pidAlive(owner.pid))) {
        let n = 0;
        do dir = `${this.dir}-${process.pid}${n++ ? `-${n}` : ''}`;
        while (claimedHere.has(dir));
      }
      this.dir = dir;
      claimedHere.add(dir);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'owner.json'), JSON.stringify({ host: os.hostname(), pid: process.pid, since: new Date().toISOString() }));
      this.adoptOrphans();
      this.lastOrphanScan = Date.now();
      for (const f of fs
        .readdirSync(dir)
        .filter((x) => SEGMENT.test(x))
        .sort()) {
        const s = new Segment(path.join(dir, f));
        s.state = 'disk';
        this.diskSegments.push(s);
      }
      if (this.diskSegments.length)
        gatewayLog.warn({ dir, segments: this.diskSegments.length }, 'metering journal: segments left by a previous run will be replayed');
    } catch (err) {
      this.fail(err);
    }
  }

  /** Segments of dead instances on this host (same base folder) become ours. Returns their new paths. */
  private adoptOrphans(): string[] {
    const adopted: string[] = [];
    for (const d of fs.readdirSync(this.baseDir, { withFileTypes: true })) {
      if (!d.isDirectory()) continue;
      const full = path.join(this.baseDir, d.name);
      if (full === this.dir || claimedHere.has(full)) continue;
      const owner = readOwner(full);
      if (owner && (owner.host !== os.hostname() || pidAlive(owner.pid))) continue;
      let files: string[];
      try {
        files = fs.readdirSync(full).filter((x) => SEGMENT.test(x));
      } catch {
        continue;
      }
      for (const f of files) {
        const to = path.join(this.dir, `adopted-${d.name}-${f}`);
        try {
          fs.renameSync(path.join(full, f), to);
          adopted.push(to);
        } catch {
          /* another instance adopted it first */
        }
      }
    }
    return adopted;
  }

  private fail(err: unknown): void {
    const code = (err as NodeJS.ErrnoException).code ?? 'other';
    recordJournalError(code);
    this.lastError = `${code}: ${err instanceof Error ? err.message : String(err)}`.slice(0, 500);
    if (this.healthy) gatewayLog.error({ dir: this.dir, err: this.lastError }, 'metering journal cannot be written: events are held in memory only (ALARM)');
    this.healthy = false;
    // The active segment may be half written; start a fresh one when the disk is back.
    if (this.active) this.seal(this.active);
  }

  private newSegment(): Segment {
    const s = new Segment(path.join(this.dir, `seg-${Date.now()}-${process.pid}-${String(segSeq++).padStart(6, '0')}.ndjson`));
    s.fd = fs.openSync(s.file, 'a');
    this.live.add(s);
    this.active = s;
    return s;
  }

  /** Appends lines (one write). Returns the segment, or null when the journal is down. */
  append(lines: JournalLine[]): Segment | null {
    if (!this.opened) this.open();
    if (!this.healthy || lines.length === 0) return null;
    try {
      const s = this.active ?? this.newSegment();
      let text = '';
      for (const l of lines) text += JSON.stringify(l) + '\n';
      const buf = Buffer.from(text, 'utf8');
      let off = 0;
      while (off < buf.length) off += fs.writeSync(s.fd!, buf, off, buf.length - off);
      s.bytes += buf.length;
      s.pending += lines.length;
      s.dirty = true;
      if (s.bytes >= this.maxBytes) this.seal(s);
      return s;
    } catch (err) {
      this.fail(err);
      return null;
    }
  }

  /** Lines of `seg` were committed to the database. */
  committed(seg: Segment, n = 1): void {
    if (seg.state === 'disk') return;
    seg.pending = Math.max(0, seg.pending - n);
    if (seg.pending === 0 && seg.state === 'sealed') this.retire(seg);
  }

  private seal(s: Segment): void {
    if (s.state !== 'active') return;
    s.state = 'sealed';
    if (this.active === s) this.active = null;
    if (s.pending === 0) this.retire(s);
  }

  private retire(s: Segment): void {
    this.live.delete(s);
    if (s.fd !== null) {
      try {
        fs.closeSync(s.fd);
      } catch {
        /* closed */
      }
      s.fd = null;
    }
    fs.unlink(s.file, () => {});
  }

  /** Housekeeping (every writer tick): seal an old active segment; retry a failed disk. */
  maintain(): void {
    const a = this.active;
    if (a && Date.now() - a.createdAt > this.maxAgeMs) this.seal(a);
    // An instance that died after this one started (or was still dying when it started: a
    // restart right after `kill -9` can find the old owner not yet reaped) left segments nobody
    // would replay until the next restart; adopt them while running.
    if (this.healthy && this.opened && Date.now() - this.lastOrphanScan > this.orphanScanMs) {
      this.lastOrphanScan = Date.now();
      try {
        const adopted = this.adoptOrphans();
        for (const file of adopted.sort()) {
          const s = new Segment(file);
          s.state = 'disk';
          this.diskSegments.push(s);
        }
        if (adopted.length)
          gatewayLog.warn({ dir: this.dir, segments: adopted.length }, 'metering journal: adopted segments of an instance that stopped; replaying');
      } catch (err) {
        gatewayLog.warn({ dir: this.baseDir, err: err instanceof Error ? err.message : String(err) }, 'metering journal: orphan scan failed; will retry');
      }
    }
  }

  /** Whether the disk takes writes again (creates a fresh segment). */
  retry(): boolean {
    if (this.healthy) return true;
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      const s = this.newSegment();
      fs.writeSync(s.fd!, '');
      fs.fdatasyncSync(s.fd!);
      this.healthy = true;
      this.lastError = null;
      gatewayLog.warn({ dir: this.dir }, 'metering journal writable again');
      return true;
    } catch (err) {
      this.active = null;
      const code = (err as NodeJS.ErrnoException).code ?? 'other';
      recordJournalError(code);
      return false;
    }
  }

  /**
   * Hands every journaled line over to the disk replay (memory bound reached): the live
   * segments are synced, closed and queued for replay from disk. Returns them.
   */
  evictAll(): Segment[] {
    const out: Segment[] = [];
    for (const s of [...this.live]) {
      this.live.delete(s);
      if (this.active === s) this.active = null;
      try {
        if (s.fd !== null) {
          fs.fdatasyncSync(s.fd);
          fs.closeSync(s.fd);
        }
      } catch (err) {
        this.fail(err);
      }
      s.fd = null;
      s.state = 'disk';
      if (s.pending > 0 || s.bytes > 0) {
        this.diskSegments.push(s);
        out.push(s);
      } else fs.unlink(s.file, () => {});
    }
    return out;
  }

  /** Group commit: fdatasync every segment written since the last sync. */
  sync(): Promise<void> {
    if (this.syncing) return this.syncing;
    const dirty = [...this.live].filter((s) => s.dirty && s.fd !== null);
    if (dirty.length === 0) return Promise.resolve();
    this.syncing = Promise.all(
      dirty.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.dirty = false;
            const fd = s.fd!;
            fs.fdatasync(fd, (err) => {
              if (err && err.code !== 'EBADF') {
                s.dirty = true;
                this.fail(err);
              }
              resolve();
            });
          }),
      ),
    ).then(() => {
      this.syncing = null;
    });
    return this.syncing;
  }

  /** A disk segment was fully written to the database: delete it. */
  retireDisk(s: Segment): void {
    const i = this.diskSegments.indexOf(s);
    if (i >= 0) this.diskSegments.splice(i, 1);
    try {
      fs.unlinkSync(s.file);
    } catch {
      /* gone */
    }
  }

  /** Shutdown: sync and close; segments with uncommitted lines stay for the next start. */
  close(): void {
    for (const s of [...this.live]) {
      this.live.delete(s);
      if (s.fd !== null) {
        try {
          fs.fdatasyncSync(s.fd);
          fs.closeSync(s.fd);
        } catch {
          /* best effort */
        }
        s.fd = null;
      }
      if (s.pending === 0) {
        try {
          fs.unlinkSync(s.file);
        } catch {
          /* gone */
        }
      }
    }
    this.active = null;
    claimedHere.delete(this.dir);
  }
}
