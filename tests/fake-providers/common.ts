/**
 * The shared machinery of the fake video/3D providers (one file per provider next to this one):
 * a node:http server on 127.0.0.1 that keeps tasks in memory and advances each task one state per
 * poll (queued -> running -> terminal after `pollsToFinish` polls), serves result files from URLs
 * that expire (`fileTtlMs`, answering 403 like a lapsed pre-signed URL afterwards), records every
 * request, and can be told what the next tasks do: `script(['fail', 'policy', 'never', ...])`,
 * or to stall every answer (`stallMs`) to exercise timeouts.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Outcome = 'succeed' | 'fail' | 'policy' | 'never';

export interface FakeTask {
  id: string;
  polls: number;
  outcome: Outcome;
  cancelled: boolean;
  body: Record<string, unknown>;
  kind: string;
  createdAt: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

export type Stage = 'queued' | 'running' | 'succeed' | 'fail' | 'policy' | 'cancelled';

export const FAKE_MP4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42'), Buffer.alloc(64, 7)]);
export const FAKE_GLB = Buffer.concat([Buffer.from('glTF'), Buffer.from([2, 0, 0, 0]), Buffer.alloc(64, 3)]);
export const FAKE_PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(32, 1)]);

export abstract class FakeTaskProvider {
  readonly tasks = new Map<string, FakeTask>();
  readonly requests: RecordedRequest[] = [];
  pollsToFinish = 2;
  fileTtlMs = 60_000;
  stallMs = 0;
  private queue: Outcome[] = [];
  private seq = 0;
  private server: http.Server | null = null;
  origin = '';

  /** The base URL the adapter is configured with (provider-specific path prefix included). */
  abstract get baseUrl(): string;
  protected abstract route(req: http.IncomingMessage, res: http.ServerResponse, path: string, body: unknown): Promise<void> | void;

  script(outcomes: Outcome[]): void {
    this.queue.push(...outcomes);
  }

  protected newTask(kind: string, body: Record<string, unknown>, id?: string): FakeTask {
    const t: FakeTask = {
      id: id ?? `${kind}-${++this.seq}-${Math.random().toString(16).slice(2, 10)}`,
      polls: 0,
      outcome: this.queue.shift() ?? 'succeed',
      cancelled: false,
      body,
      kind,
      createdAt: Date.now(),
    };
    this.tasks.set(t.id, t);
    return t;
  }

  /** Advance a task by one poll and say where it is. */
  protected advance(t: FakeTask): Stage {
    if (t.cancelled) return 'cancelled';
    const p = t.polls++;
    if (p === 0) return 'queued';
    if (p < this.pollsToFinish || t.outcome === 'never') return 'running';
    return t.outcome === 'succeed' ? 'succeed' : t.outcome;
  }

  /** Where a task is now without advancing it (for callbacks). */
  protected stageOf(t: FakeTask): Stage {
    if (t.cancelled) return 'cancelled';
    if (t.polls === 0) return 'queued';
    if (t.polls <= this.pollsToFinish || t.outcome === 'never') return 'running';
    return t.outcome === 'succeed' ? 'succeed' : t.outcome;
  }

  /** A download URL that stops working after fileTtlMs. */
  fileUrl(name: string): string {
    return `${this.origin}/files/${name}?expires=${Date.now() + this.fileTtlMs}`;
  }

  protected json(res: http.ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  async start(port = 0): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(port, '127.0.0.1', r));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown = null;
    try {
      body = raw ? (JSON.parse(raw) as unknown) : null;
    } catch {
      body = raw;
    }
    const url = new URL(req.url ?? '/', this.origin);
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname, headers: req.headers, body });
    if (this.stallMs > 0) await new Promise((r) => setTimeout(r, this.stallMs));
    if (res.destroyed) return;
    if (url.pathname.startsWith('/files/')) return this.serveFile(url, res);
    try {
      await this.route(req, res, url.pathname, body);
    } catch (err) {
      if (!res.headersSent) this.json(res, 500, { error: String(err) });
    }
  }

  private serveFile(url: URL, res: http.ServerResponse): void {
    const expires = Number(url.searchParams.get('expires') ?? '0');
    if (Date.now() > expires) {
      res.writeHead(403, { 'content-type': 'application/xml' });
      res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>');
      return;
    }
    const name = url.pathname.slice('/files/'.length);
    const [bytes, type] = name.endsWith('.glb')
      ? [FAKE_GLB, 'model/gltf-binary']
      : name.endsWith('.png') || name.endsWith('.jpg') || name.endsWith('.webp')
        ? [FAKE_PNG, 'image/png']
        : [FAKE_MP4, 'video/mp4'];
    res.writeHead(200, { 'content-type': type, 'content-length': String(bytes.length) });
    res.end(bytes);
  }

  /** POST a JSON body to a callback URL (providers with per-task webhooks). */
  protected async callback(url: string, body: unknown): Promise<void> {
    await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).catch(() => {});
  }
}

export function bearer(req: http.IncomingMessage): string | null {
  const h = req.headers.authorization;
  return typeof h === 'string' && h.startsWith('Bearer ') ? h.slice(7) : null;
}
