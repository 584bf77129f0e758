/**
 * npm run bench — the gateway benchmark, in one run on this machine, with auth, limits, routing
 * and metering all on:
 *   (a) latency added over calling the fake upstream directly (p50/p90/p99) and throughput at
 *       concurrency 1, 16 and 64, non-streaming;
 *   (b) streaming time-to-first-byte overhead with an upstream that paces chunks 10 ms apart;
 *   (c) gateway CPU time per request and peak RSS (vs. its idle footprint);
 *   (d) the same load through Portkey's open-source gateway and through a bare Node pipe proxy;
 *   (e) images: latency added at c=1 to POST /api/v1/images/generations (dall-e-3) over calling
 *       the fake provider directly, interleaved request by request (target <= 2 ms at p50);
 *   (f) transcription: 10 MB WAV uploads to POST /api/v1/audio/transcriptions (whisper-1) at
 *       c=8; the server's RSS is sampled through the phase (and its high-water mark reset just
 *       before) against its idle footprint (target <= 1.3x: the upload is streamed, not held).
 * Then it stops RADIANT gracefully and counts usage events: every successful request must be
 * metered exactly once. Results go to BENCHMARKS.md (date, machine, raw numbers) and
 * bench/results/latest.json.
 *
 * Load: autocannon for throughput (c=16, c=64); a precise keep-alive client with hrtime for
 * latency percentiles at c=1 and for TTFB (autocannon's histogram has 1 ms resolution, too
 * coarse for sub-millisecond overheads).
 *
 * Options: --duration S (default 10), --skip-portkey, --no-write,
 *   --phases chat,images,transcription (default all three; `--phases media` = images +
 *   transcription, a quick run of about a minute), --uploads N (transcription uploads, default 64),
 *   --serve gateway (RADIANT_SERVE=gateway: the gateway alone, no Next and no build needed; its
 *   idle footprint is Next-free, so the RSS ratio is stricter than with the full server).
 */
import crypto from 'node:crypto';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import postgres from 'postgres';

const root = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1]! : dflt;
};
const DURATION = Number(opt('--duration', '10'));
const SKIP_PORTKEY = args.includes('--skip-portkey');
const WRITE = !args.includes('--no-write');
const PHASES = new Set(
  opt('--phases', 'chat,images,transcription')
    .split(',')
    .flatMap((p) => (p === 'media' ? ['images', 'transcription'] : [p.trim()])),
);
const RUN_CHAT = PHASES.has('chat');
const RUN_IMAGES = PHASES.has('images');
const RUN_TRANSCRIPTION = PHASES.has('transcription');
const UPLOADS = Number(opt('--uploads', '64'));
const GATEWAY_ONLY = opt('--serve', 'all') === 'gateway';

const PORTS = { upstream: 19001, slowUpstream: 19002, media: 19003, radiant: 19010, pipe: 19020, pipeSlow: 19021, portkey: 19030 };
const API_KEY = 'rk_live_bench_key_for_local_benchmarks_only_000000000';
const MODEL = 'gpt-4.1-mini';
const STREAM_MODEL = 'llama-3.1-8b-instruct'; // self-hosted provider -> the pacing upstream
const BODY = JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'Say hello in five words.' }], max_tokens: 32 });

const children: ChildProcess[] = [];
function start(name: string, cmd: string, cmdArgs: string[], env: Record<string, string> = {}): ChildProcess {
  const child = spawn(cmd, cmdArgs, { cwd: root, env: { ...process.env, ...env } as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = fs.createWriteStream(path.join(root, 'bench', 'results', `${name}.log`));
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  children.push(child);
  return child;
}
const tsx = (script: string, scriptArgs: string[] = []) => ['--import', 'tsx', script, ...scriptArgs];

async function waitFor(url: string, timeoutMs = 240_000, init?: RequestInit): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const r = await fetch(url, init);
      if (r.status < 500) return;
    } catch {
      /* not yet */
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${url}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** utime + stime of a process, in milliseconds (from /proc, clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / 100;
}
function memKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`${field}:\\s+(\\d+)`));
  return m ? Number(m[1]) : 0;
}

interface Target {
  name: string;
  url: string;
  headers: Record<string, string>;
  pid?: number;
  streamUrl: string;
  streamHeaders: Record<string, string>;
  streamModel: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

/** One request with a precise clock; resolves with [total ms, ttfb ms (first body chunk)]. */
function timedRequest(
  url: string,
  headers: Record<string, string>,
  body: string | Buffer,
  via: http.Agent = agent,
): Promise<{ ms: number; ttfbMs: number; status: number }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const t0 = process.hrtime.bigint();
    let ttfb = -1;
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: 'POST',
        agent: via,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
      },
      (res) => {
        res.on('data', () => {
          if (ttfb < 0) ttfb = Number(process.hrtime.bigint() - t0) / 1e6;
        });
        res.on('end', () => resolve({ ms: Number(process.hrtime.bigint() - t0) / 1e6, ttfbMs: ttfb, status: res.statusCode ?? 0 }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const round = (n: number, d = 3) => Math.round(n * 10 ** d) / 10 ** d;

interface LatencyResult {
  p50: number;
  p90: number;
  p99: number;
  rps: number;
  ok: number;
  cpuMsPerReq: number | null;
}

async function closedLoopC1(t: Target, n: number): Promise<LatencyResult> {
  const lat: number[] = [];
  let ok = 0;
  const cpu0 = t.pid ? cpuMs(t.pid) : 0;
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const r = await timedRequest(t.url, t.headers, BODY);
    if (r.status === 200) ok++;
    lat.push(r.ms);
  }
  const secs = Number(process.hrtime.bigint() - started) / 1e9;
  lat.sort((a, b) => a - b);
  return {
    p50: round(pct(lat, 50)),
    p90: round(pct(lat, 90)),
    p99: round(pct(lat, 99)),
    rps: round(n / secs, 1),
    ok,
    cpuMsPerReq: t.pid ? round((cpuMs(t.pid) - cpu0) / n) : null,
  };
}

async function loadC(t: Target, connections: number, duration: number): Promise<LatencyResult & { non2xx: number; errors: number; sent: number }> {
  const cpu0 = t.pid ? cpuMs(t.pid) : 0;
  const r = await autocannon({
    url: t.url,
    method: 'POST',
    connections,
    duration,
    headers: { 'content-type': 'application/json', ...t.headers },
    body: BODY,
  });
  const total = r['2xx'] + r.non2xx;
  return {
    p50: r.latency.p50,
    p90: r.latency.p90,
    p99: r.latency.p99,
    rps: round(r.requests.average, 1),
    ok: r['2xx'],
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    // Requests the load generator started, including the ones still in flight when the phase
    // ended (it closes those connections; the gateway still meters them, as cancelled).
    sent: r.requests.sent ?? total,
    cpuMsPerReq: t.pid && total ? round((cpuMs(t.pid) - cpu0) / total) : null,
  };
}

async function ttfb(t: Target, n: number): Promise<{ p50: number; p90: number; ok: number }> {
  const body = JSON.stringify({ model: t.streamModel, stream: true, messages: [{ role: 'user', content: 'stream please' }], max_tokens: 32 });
  const xs: number[] = [];
  let ok = 0;
  for (let i = 0; i < n; i++) {
    const r = await timedRequest(t.streamUrl, t.streamHeaders, body);
    if (r.status === 200) ok++;
    xs.push(r.ttfbMs);
  }
  xs.sort((a, b) => a - b);
  return { p50: round(pct(xs, 50)), p90: round(pct(xs, 90)), ok };
}

// ---- media phases -------------------------------------------------------------------------

const IMAGE_BODY = JSON.stringify({ model: 'dall-e-3', prompt: 'A lighthouse at dawn, watercolour', size: '1024x1024', response_format: 'url' });

interface ImagesResult {
  n: number;
  direct: { p50: number; p90: number; p99: number };
  radiant: { p50: number; p90: number; p99: number };
  addedP50: number;
  addedP90: number;
  ok: number;
  cpuMsPerReq: number;
}

/** c=1, direct and through RADIANT interleaved request by request, so the machine's drift (it
 * is shared) lands on both sides alike. */
async function imagesPhase(radiantPid: number, auth: Record<string, string>, n: number): Promise<ImagesResult> {
  const direct: number[] = [];
  const rad: number[] = [];
  let ok = 0;
  let cpu = 0;
  for (let i = 0; i < n; i++) {
    direct.push((await timedRequest(`http://127.0.0.1:${PORTS.media}/v1/images/generations`, { authorization: 'Bearer x' }, IMAGE_BODY)).ms);
    const c0 = cpuMs(radiantPid);
    const r = await timedRequest(`http://127.0.0.1:${PORTS.radiant}/api/v1/images/generations`, auth, IMAGE_BODY);
    cpu += cpuMs(radiantPid) - c0;
    if (r.status === 200) ok++;
    rad.push(r.ms);
  }
  direct.sort((a, b) => a - b);
  rad.sort((a, b) => a - b);
  const stats = (xs: number[]) => ({ p50: round(pct(xs, 50)), p90: round(pct(xs, 90)), p99: round(pct(xs, 99)) });
  return {
    n,
    direct: stats(direct),
    radiant: stats(rad),
    addedP50: round(pct(rad, 50) - pct(direct, 50)),
    addedP90: round(pct(rad, 90) - pct(direct, 90)),
    ok,
    cpuMsPerReq: round(cpu / n),
  };
}

/** A WAV file of `bytes` (16 kHz mono 16-bit PCM, a 440 Hz tone) and its duration in seconds. */
function wavOf(bytes: number): { data: Buffer; seconds: number } {
  const sampleRate = 16_000;
  const samples = Math.floor((bytes - 44) / 2);
  const data = Buffer.alloc(44 + samples * 2);
  data.write('RIFF', 0, 'ascii');
  data.writeUInt32LE(36 + samples * 2, 4);
  data.write('WAVE', 8, 'ascii');
  data.write('fmt ', 12, 'ascii');
  data.writeUInt32LE(16, 16);
  data.writeUInt16LE(1, 20);
  data.writeUInt16LE(1, 22);
  data.writeUInt32LE(sampleRate, 24);
  data.writeUInt32LE(sampleRate * 2, 28);
  data.writeUInt16LE(2, 32);
  data.writeUInt16LE(16, 34);
  data.write('data', 36, 'ascii');
  data.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++) data.writeInt16LE(Math.round(Math.sin((2 * Math.PI * 440 * i) / sampleRate) * 8000), 44 + i * 2);
  return { data, seconds: samples / sampleRate };
}

const UPLOAD = wavOf(10 * 1024 * 1024);
const BOUNDARY = 'radiantbenchboundary7MA4YWxkTrZu0gW';
const UPLOAD_BODY = Buffer.concat([
  Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="model"\r\n\r\nwhisper-1\r\n` +
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="bench.wav"\r\nContent-Type: audio/wav\r\n\r\n`,
  ),
  UPLOAD.data,
  Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
]);
const UPLOAD_HEADERS = { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` };

interface TranscriptionResult {
  uploads: number;
  concurrency: number;
  fileMiB: number;
  audioSeconds: number;
  ok: number;
  statuses: Record<string, number>;
  p50: number;
  p90: number;
  seconds: number;
  idleRssKb: number;
  peakRssKb: number;
  ratio: number;
  cpuMsPerReq: number;
}

/** `uploads` 10 MB uploads, `concurrency` at a time; RSS sampled every 20 ms, and the kernel's
 * high-water mark (reset first through /proc/<pid>/clear_refs) read at the end. */
async function transcriptionPhase(pid: number, auth: Record<string, string>, uploads: number, concurrency: number): Promise<TranscriptionResult> {
  const uploadAgent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const url = `http://127.0.0.1:${PORTS.radiant}/api/v1/audio/transcriptions`;
  await new Promise((r) => setTimeout(r, 1000));
  const idleRssKb = memKb(pid, 'VmRSS');
  let hwmReset = true;
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    hwmReset = false;
  }
  let sampled = idleRssKb;
  const sampler = setInterval(() => (sampled = Math.max(sampled, memKb(pid, 'VmRSS'))), 20);
  const cpu0 = cpuMs(pid);
  const t0 = process.hrtime.bigint();
  const lat: number[] = [];
  const statuses: Record<string, number> = {};
  let next = 0;
  const worker = async () => {
    while (next < uploads) {
      next++;
      const r = await timedRequest(url, { ...auth, ...UPLOAD_HEADERS }, UPLOAD_BODY, uploadAgent);
      statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      lat.push(r.ms);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  clearInterval(sampler);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = cpuMs(pid) - cpu0;
  const peakRssKb = Math.max(sampled, hwmReset ? memKb(pid, 'VmHWM') : 0);
  uploadAgent.destroy();
  lat.sort((a, b) => a - b);
  return {
    uploads,
    concurrency,
    fileMiB: round(UPLOAD_BODY.length / 2 ** 20, 2),
    audioSeconds: round(UPLOAD.seconds, 2),
    ok: statuses['200'] ?? 0,
    statuses,
    p50: round(pct(lat, 50), 1),
    p90: round(pct(lat, 90), 1),
    seconds: round(seconds, 1),
    idleRssKb,
    peakRssKb,
    ratio: round(peakRssKb / idleRssKb, 2),
    cpuMsPerReq: round(cpu / uploads, 1),
  };
}

async function freshDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const server = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `radiant_bench_${Date.now()}`;
  const admin = postgres(server, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(server);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const a = postgres(server, { max: 1, onnotice: () => {} });
      await a.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${os.cpus().length} cores (${cpu}), ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

async function main(): Promise<void> {
  fs.mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
  if (!GATEWAY_ONLY && !fs.existsSync(path.join(root, '.next', 'BUILD_ID'))) {
    console.log('building the app first...');
    if (spawnSync('npx', ['next', 'build'], { cwd: root, stdio: 'inherit' }).status !== 0) throw new Error('build failed');
  }
  const db = await freshDatabase();
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    DATABASE_URL: db.url,
    // PostgreSQL is production mode: the demo world on request, real (per-run) secrets.
    RADIANT_DEMO: '1',
    AUTH_SECRET: crypto.randomBytes(33).toString('base64'),
    RADIANT_SECRET_KEY: crypto.randomBytes(32).toString('base64'),
    RADIANT_DEMO_API_KEY: API_KEY,
    OPENAI_BASE_URL: `http://127.0.0.1:${PORTS.upstream}/v1`,
    OPENAI_API_KEY: 'bench-upstream-key',
    SELF_HOSTED_BASE_URL: `http://127.0.0.1:${PORTS.slowUpstream}/v1`,
    SELF_HOSTED_API_KEY: 'bench-upstream-key',
    // Images and transcription go to the media fake (the providers share OPENAI_API_KEY).
    OPENAI_IMAGES_BASE_URL: `http://127.0.0.1:${PORTS.media}/v1`,
    OPENAI_AUDIO_BASE_URL: `http://127.0.0.1:${PORTS.media}/v1`,
    ...(GATEWAY_ONLY ? { RADIANT_SERVE: 'gateway' } : {}),
    LOG_LEVEL: 'warn',
    // The scheduled billing work (rollup every 10 minutes, last month's catch-up at start) would
    // land inside a measured phase at random; `npm run bench:billing` measures it on its own.
    RADIANT_JOBS: 'off',
  };
  try {
    // Upstreams and the floor proxies (the chat upstream also answers the readiness probe).
    start('fake-upstream', process.execPath, tsx('tests/fake-upstream/server.ts', ['--port', String(PORTS.upstream)]));
    start('fake-media', process.execPath, tsx('bench/fake-media.ts', ['--port', String(PORTS.media), '--audio-seconds', String(UPLOAD.seconds)]));
    let pipe: ChildProcess | null = null;
    if (RUN_CHAT) {
      start(
        'fake-upstream-slow',
        process.execPath,
        tsx('tests/fake-upstream/server.ts', ['--port', String(PORTS.slowUpstream), '--behavior', 'slow_stream:10']),
      );
      pipe = start(
        'pipe-proxy',
        process.execPath,
        tsx('bench/pipe-proxy.ts', ['--port', String(PORTS.pipe), '--upstream', `http://127.0.0.1:${PORTS.upstream}`]),
      );
      start(
        'pipe-proxy-slow',
        process.execPath,
        tsx('bench/pipe-proxy.ts', ['--port', String(PORTS.pipeSlow), '--upstream', `http://127.0.0.1:${PORTS.slowUpstream}`]),
      );
    }

    // RADIANT: migrate + demo world (with the bench key), lift the bench tenant's limits so the
    // load measures the gateway rather than our own 429s (limits are still checked per request).
    const seed = spawnSync(process.execPath, tsx('scripts/db-seed.ts'), { cwd: root, env: { ...process.env, ...env } as NodeJS.ProcessEnv, encoding: 'utf8' });
    if (seed.status !== 0) throw new Error(`seed failed: ${seed.stderr}`);
    const sql = postgres(db.url, { max: 1, onnotice: () => {} });
    await sql`UPDATE tenants SET tier = 5, monthly_budget = NULL,
                settings = settings || '{"rateLimits":{"rpm":1000000000,"tpm":100000000000}}'::jsonb
              WHERE slug = 'acme'`;
    await sql`UPDATE api_keys SET rate_limit_rpm = NULL, rate_limit_tpm = NULL, monthly_budget = NULL,
                scopes = ARRAY['chat','embeddings','models','images','audio','search']::text[]`;
    const radiant = start('radiant', process.execPath, tsx('scripts/start.ts'), { ...env, PORT: String(PORTS.radiant), HOST: '127.0.0.1' });
    let portkey: ChildProcess | null = null;
    if (RUN_CHAT && !SKIP_PORTKEY) {
      const pkDir = path.join(root, 'bench', 'portkey');
      if (!fs.existsSync(path.join(pkDir, 'node_modules', '@portkey-ai', 'gateway'))) {
        console.log('installing Portkey (bench/portkey)...');
        if (spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: pkDir, stdio: 'inherit' }).status !== 0) throw new Error('Portkey install failed');
      }
      portkey = start(
        'portkey',
        process.execPath,
        [
          '--import',
          path.join(root, 'bench', 'bind-loopback.mjs'),
          path.join(pkDir, 'node_modules/@portkey-ai/gateway/build/start-server.js'),
          `--port=${PORTS.portkey}`,
          '--headless',
        ],
        { NODE_ENV: 'production', TRUSTED_CUSTOM_HOSTS: '127.0.0.1' },
      );
    }
    await waitFor(`http://127.0.0.1:${PORTS.upstream}/v1/models`);
    await waitFor(`http://127.0.0.1:${PORTS.media}/v1/models`);
    await waitFor(`http://127.0.0.1:${PORTS.radiant}/api/health`);
    if (portkey) await waitFor(`http://127.0.0.1:${PORTS.portkey}/`, 60_000);

    const auth = { authorization: `Bearer ${API_KEY}` };
    const pk = (port: number) => ({ 'x-portkey-provider': 'openai', 'x-portkey-custom-host': `http://127.0.0.1:${port}/v1`, authorization: 'Bearer bench' });
    const targets: Target[] = !RUN_CHAT
      ? []
      : [
          {
            name: 'direct (fake upstream)',
            url: `http://127.0.0.1:${PORTS.upstream}/v1/chat/completions`,
            headers: { authorization: 'Bearer x' },
            streamUrl: `http://127.0.0.1:${PORTS.slowUpstream}/v1/chat/completions`,
            streamHeaders: { authorization: 'Bearer x' },
            streamModel: STREAM_MODEL,
          },
          {
            name: 'RADIANT',
            url: `http://127.0.0.1:${PORTS.radiant}/api/v1/chat/completions`,
            headers: auth,
            pid: radiant.pid,
            streamUrl: `http://127.0.0.1:${PORTS.radiant}/api/v1/chat/completions`,
            streamHeaders: auth,
            streamModel: STREAM_MODEL,
          },
          ...(portkey
            ? [
                {
                  name: 'Portkey OSS 1.15.2',
                  url: `http://127.0.0.1:${PORTS.portkey}/v1/chat/completions`,
                  headers: pk(PORTS.upstream),
                  pid: portkey.pid,
                  streamUrl: `http://127.0.0.1:${PORTS.portkey}/v1/chat/completions`,
                  streamHeaders: pk(PORTS.slowUpstream),
                  streamModel: STREAM_MODEL,
                },
              ]
            : []),
          {
            name: 'bare pipe proxy',
            url: `http://127.0.0.1:${PORTS.pipe}/v1/chat/completions`,
            headers: { authorization: 'Bearer x' },
            pid: pipe?.pid,
            streamUrl: `http://127.0.0.1:${PORTS.pipeSlow}/v1/chat/completions`,
            streamHeaders: { authorization: 'Bearer x' },
            streamModel: STREAM_MODEL,
          },
        ];

    // Warm up every path (JIT, connection pools, caches), then take the idle footprint.
    let radiantSent = 0;
    for (const t of targets) {
      const w = await loadC(t, 8, 3);
      if (t.name === 'RADIANT') radiantSent += w.sent;
      const s = await ttfb(t, 5);
      if (t.name === 'RADIANT') radiantSent += s.ok;
    }
    // The media paths warm too (their modules load lazily: busboy, music-metadata).
    let mediaSent = 0;
    if (RUN_IMAGES || RUN_TRANSCRIPTION) {
      for (let i = 0; i < 50; i++)
        mediaSent += (await timedRequest(`http://127.0.0.1:${PORTS.radiant}/api/v1/images/generations`, auth, IMAGE_BODY)).status === 200 ? 1 : 0;
      for (let i = 0; i < 2; i++) {
        const r = await timedRequest(`http://127.0.0.1:${PORTS.radiant}/api/v1/audio/transcriptions`, { ...auth, ...UPLOAD_HEADERS }, UPLOAD_BODY);
        if (r.status !== 200) throw new Error(`transcription warm-up answered ${r.status}`);
        mediaSent++;
      }
      if (mediaSent < 52) throw new Error('an image warm-up request failed (see bench/results/radiant.log)');
    }
    // The app's own idle footprint: Next with its pages loaded, the gateway warm, no load.
    for (const p of GATEWAY_ONLY ? ['/api/health'] : ['/', '/admin/sign-in', '/portal/sign-in', '/api/health', '/docs/api', '/api/openapi.json']) {
      await fetch(`http://127.0.0.1:${PORTS.radiant}${p}`)
        .then((r) => r.arrayBuffer())
        .catch(() => {});
    }
    await new Promise((r) => setTimeout(r, 1500));
    const idleRssKb = memKb(radiant.pid!, 'VmRSS');

    // Media first, so the chat phases' heap growth does not flatter the upload's RSS ratio.
    let images: ImagesResult | null = null;
    let transcription: TranscriptionResult | null = null;
    if (RUN_IMAGES) {
      console.log('measuring images (c=1, direct and RADIANT interleaved)...');
      images = await imagesPhase(radiant.pid!, auth, 1000);
      mediaSent += images.ok;
      console.log(JSON.stringify(images));
    }
    if (RUN_TRANSCRIPTION) {
      console.log(`measuring transcription (${UPLOADS} uploads of 10 MB, c=8)...`);
      transcription = await transcriptionPhase(radiant.pid!, auth, UPLOADS, 8);
      mediaSent += transcription.ok;
      console.log(JSON.stringify(transcription));
    }
    radiantSent += mediaSent;
    try {
      fs.writeFileSync(`/proc/${radiant.pid}/clear_refs`, '5'); // the chat phases' peak is their own
    } catch {
      /* not Linux: the chat peak then includes the uploads' */
    }

    const results: Record<
      string,
      {
        c1: LatencyResult;
        c16: LatencyResult & { non2xx: number; sent: number };
        c64: LatencyResult & { non2xx: number; sent: number };
        ttfb: { p50: number; p90: number };
      }
    > = {};
    for (const t of targets) {
      console.log(`measuring ${t.name}...`);
      const c1 = await closedLoopC1(t, 2000);
      const c16 = await loadC(t, 16, DURATION);
      const c64 = await loadC(t, 64, DURATION);
      const tt = await ttfb(t, 100);
      if (t.name === 'RADIANT') radiantSent += c1.ok + c16.sent + c64.sent + tt.ok;
      results[t.name] = { c1, c16, c64, ttfb: tt };
      console.log(JSON.stringify(results[t.name]));
    }
    const peakRssKb = memKb(radiant.pid!, 'VmHWM');
    const portkeyPeakKb = portkey?.pid ? memKb(portkey.pid, 'VmHWM') : null;

    // Graceful stop: the metering writer flushes on SIGTERM. Then count what was metered.
    const exited = new Promise((r) => radiant.once('exit', r));
    radiant.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
    const [{ n } = { n: '0' }] = await sql<{ n: string }[]>`SELECT count(*)::text AS n FROM usage_events WHERE request_id NOT LIKE 'demo-%'`;
    const [{ dup } = { dup: '0' }] = await sql<{ dup: string }[]>`SELECT (count(*) - count(DISTINCT request_id))::text AS dup FROM usage_events`;
    await sql.end();
    const metered = Number(n);

    const stamp = `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`;
    const metering = `- Metering: ${radiantSent} requests sent to RADIANT (incl. those the load generator cut off at the end of each phase), ${metered} usage events written, ${radiantSent - metered} lost, ${dup} duplicates`;
    const direct = results['direct (fake upstream)'];
    const rad = results.RADIANT;
    let chatSection: string | null = null;
    if (direct && rad) {
      const rows: string[] = [];
      const add = (a: number, b: number) => round(a - b, 3);
      rows.push(
        '| path | c=1 p50 / p90 / p99 (ms) | added p50 / p99 at c=1 (ms) | req/s c=1 / c=16 / c=64 | p99 c=64 (ms) | CPU per request (ms) | stream TTFB p50 (ms) | TTFB added (ms) |',
      );
      rows.push('|---|---|---|---|---|---|---|---|');
      for (const [name, r] of Object.entries(results)) {
        const isDirect = r === direct;
        rows.push(
          `| ${name} | ${r.c1.p50} / ${r.c1.p90} / ${r.c1.p99} | ${isDirect ? '—' : `${add(r.c1.p50, direct.c1.p50)} / ${add(r.c1.p99, direct.c1.p99)}`} | ${r.c1.rps} / ${r.c16.rps} / ${r.c64.rps} | ${r.c64.p99} | ${r.c16.cpuMsPerReq ?? '—'} | ${r.ttfb.p50} | ${isDirect ? '—' : add(r.ttfb.p50, direct.ttfb.p50)} |`,
        );
      }
      const pkr = portkey ? results['Portkey OSS 1.15.2'] : undefined;
      const summary = [
        `- Throughput vs Portkey: c=16 ${pkr ? round(rad.c16.rps / pkr.c16.rps, 2) : '—'}x, c=64 ${pkr ? round(rad.c64.rps / pkr.c64.rps, 2) : '—'}x (target >= 2x)`,
        `- RADIANT CPU per request: ${rad.c16.cpuMsPerReq} ms at c=16, ${rad.c1.cpuMsPerReq} ms at c=1 (target < 0.5 ms)`,
        `- Added latency at c=1: p50 ${add(rad.c1.p50, direct.c1.p50)} ms, p99 ${add(rad.c1.p99, direct.c1.p99)} ms (targets < 0.7 / < 3 ms)`,
        `- Streaming TTFB overhead: ${add(rad.ttfb.p50, direct.ttfb.p50)} ms at p50 (target < 2 ms)`,
        `- RADIANT RSS: idle ${Math.round(idleRssKb / 1024)} MiB, peak ${Math.round(peakRssKb / 1024)} MiB = ${round(peakRssKb / idleRssKb, 2)}x idle (target < 1.2x)${portkeyPeakKb ? `; Portkey peak ${Math.round(portkeyPeakKb / 1024)} MiB` : ''}`,
        metering,
        `- Non-2xx under load: RADIANT c=16 ${rad.c16.non2xx}, c=64 ${rad.c64.non2xx}`,
      ];
      chatSection = [
        `## Gateway benchmark — ${stamp}`,
        '',
        `Machine: ${machine()}. PostgreSQL 15 (local) for RADIANT; fake upstream answering at once; autocannon ${DURATION} s per phase for c=16/64, 2,000 sequential requests for c=1, 100 streamed requests (10 ms chunk pacing) for TTFB. All processes share the same 2 cores, so compare within one run, as ratios; CPU time per request is the steadier figure (req/s moves with whatever else the shared machine runs).`,
        '',
        ...rows,
        '',
        ...summary,
        '',
      ].join('\n');
    }
    let mediaSection: string | null = null;
    if (images || transcription) {
      const lines = [
        `## Media endpoints benchmark — ${stamp}`,
        '',
        `Machine: ${machine()}. PostgreSQL 15 (local); fake OpenAI images/transcription provider answering at once (\`bench/fake-media.ts\`); server ${GATEWAY_ONLY ? 'gateway only (`RADIANT_SERVE=gateway`, no Next: the stricter idle footprint)' : 'with Next'}. \`npm run bench -- --phases media${GATEWAY_ONLY ? ' --serve gateway' : ''}\`.`,
        '',
      ];
      if (images) {
        lines.push(
          `| images (dall-e-3, c=1, ${images.n} requests each, interleaved) | p50 / p90 / p99 (ms) |`,
          '|---|---|',
          `| direct (fake provider) | ${images.direct.p50} / ${images.direct.p90} / ${images.direct.p99} |`,
          `| RADIANT /api/v1/images/generations | ${images.radiant.p50} / ${images.radiant.p90} / ${images.radiant.p99} |`,
          '',
          `- Images: added latency at c=1 p50 ${images.addedP50} ms, p90 ${images.addedP90} ms (target <= 2 ms at p50) — ${images.addedP50 <= 2 ? 'met' : 'NOT met'}; ${images.ok}/${images.n} answered 200; RADIANT CPU ${images.cpuMsPerReq} ms per request`,
        );
      }
      if (transcription) {
        const t = transcription;
        lines.push(
          `- Transcription: ${t.uploads} uploads of ${t.fileMiB} MiB (WAV, ${t.audioSeconds} s of audio) at c=${t.concurrency} in ${t.seconds} s; latency p50 ${t.p50} ms, p90 ${t.p90} ms; statuses ${JSON.stringify(t.statuses)}; RADIANT CPU ${t.cpuMsPerReq} ms per upload`,
          `- Transcription RSS: idle ${Math.round(t.idleRssKb / 1024)} MiB, peak ${Math.round(t.peakRssKb / 1024)} MiB = ${t.ratio}x idle (target <= 1.3x) — ${t.ratio <= 1.3 ? 'met' : 'NOT met'}`,
        );
      }
      if (!chatSection) lines.push(metering);
      mediaSection = `${lines.join('\n')}\n`;
    }
    for (const sec of [chatSection, mediaSection]) if (sec) console.log(`\n${sec}`);
    fs.writeFileSync(
      path.join(root, 'bench', 'results', 'latest.json'),
      JSON.stringify(
        { date: new Date().toISOString(), machine: machine(), results, images, transcription, idleRssKb, peakRssKb, portkeyPeakKb, radiantSent, metered },
        null,
        2,
      ),
    );
    if (WRITE) {
      if (chatSection) writeSection('gateway-bench', chatSection);
      if (mediaSection) writeSection('media-bench', mediaSection);
      console.log('written to BENCHMARKS.md');
    }
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    await db.drop().catch(() => {});
  }
}

/** Replaces the section between <!-- name --> and <!-- /name --> in BENCHMARKS.md (appends it when absent). */
function writeSection(name: string, section: string): void {
  const file = path.join(root, 'BENCHMARKS.md');
  const existing = fs.existsSync(file)
    ? fs.readFileSync(file, 'utf8')
    : '# Benchmarks\n\nMeasured with `npm run bench` (gateway) and `npm run bench:billing` (billing at scale).\n\n';
  const open = `<!-- ${name} -->`;
  const close = `<!-- /${name} -->`;
  const start = existing.indexOf(open);
  const end = existing.indexOf(close);
  const block = `${open}\n${section}\n${close}`;
  fs.writeFileSync(
    file,
    start >= 0 && end > start ? existing.slice(0, start) + block + existing.slice(end + close.length) : `${existing.trimEnd()}\n\n${block}\n`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  process.exitCode = 1;
});
