/**
 * npm run bench:cpu — the gateway's CPU per request on its own, without Next and without the
 * other servers of `npm run bench`: the gateway's Node handler in this process on a fresh
 * PostgreSQL database with the demo world, the fake upstream and the load generator (autocannon)
 * in child processes, so this process's CPU time is the gateway's (plus its metering writes).
 *
 *   npm run bench:cpu -- [--duration S] [--connections C] [--profile] [--log-level info]
 *
 * --profile writes a V8 CPU profile of the measured phase to bench/results/gateway-cpu.cpuprofile
 * (open it in Chrome DevTools or speedscope for the flame graph).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import inspector from 'node:inspector/promises';
import postgres from 'postgres';

const root = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1]! : dflt;
};
const DURATION = Number(opt('--duration', '10'));
const CONNECTIONS = Number(opt('--connections', '16'));
const PROFILE = args.includes('--profile');
// warn (default) measures the gateway without its access log; info adds the one JSON line per
// request that production writes by default (synchronously, to stdout).
const LOG_LEVEL = opt('--log-level', 'warn');
const API_KEY = 'rk_live_bench_key_for_local_benchmarks_only_000000000';
const UPSTREAM_PORT = 19101;
const BODY = JSON.stringify({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'Say hello in five words.' }], max_tokens: 32 });

const children: ChildProcess[] = [];
const tsx = (script: string, scriptArgs: string[] = []) => ['--import', 'tsx', script, ...scriptArgs];

async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${url} did not come up`);
}

function autocannon(url: string, seconds: number): Promise<{ requests: number; non2xx: number; rps: number }> {
  return new Promise((resolve, reject) => {
    const bin = path.join(root, 'node_modules', 'autocannon', 'autocannon.js');
    const c = spawn(
      process.execPath,
      [
        bin,
        '-j',
        '-c',
        String(CONNECTIONS),
        '-d',
        String(seconds),
        '-m',
        'POST',
        '-H',
        `authorization=Bearer ${API_KEY}`,
        '-H',
        'content-type=application/json',
        '-b',
        BODY,
        url,
      ],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    let out = '';
    c.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    c.on('error', reject);
    c.on('exit', () => {
      const r = JSON.parse(out) as { requests: { total: number; average: number }; non2xx: number };
      resolve({ requests: r.requests.total, non2xx: r.non2xx, rps: r.requests.average });
    });
  });
}

async function main(): Promise<void> {
  const server = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `radiant_cpu_${Date.now()}`;
  const admin = postgres(server, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  const u = new URL(server);
  u.pathname = `/${name}`;
  process.env.DATABASE_URL = u.toString();
  process.env.RADIANT_DEMO = '1';
  process.env.RADIANT_DEMO_API_KEY = API_KEY;
  process.env.LOG_LEVEL = LOG_LEVEL;
  try {
    children.push(spawn(process.execPath, tsx('tests/fake-upstream/server.ts', ['--port', String(UPSTREAM_PORT)]), { cwd: root, stdio: 'ignore' }));
    const { bootstrapDatabase } = await import('../lib/server/bootstrap');
    const { handle } = await bootstrapDatabase({ seedDemo: true });
    const sql = postgres(u.toString(), { max: 1, onnotice: () => {} });
    await sql`UPDATE tenants SET tier = 5, monthly_budget = NULL, settings = settings || '{"rateLimits":{"rpm":1000000000,"tpm":100000000000}}'::jsonb`;
    await sql`UPDATE api_keys SET rate_limit_rpm = NULL, rate_limit_tpm = NULL, monthly_budget = NULL`;
    await sql.end();
    const { createGateway } = await import('../lib/gateway');
    const gw = createGateway({
      env: { ...process.env, OPENAI_API_KEY: 'bench-upstream-key', OPENAI_BASE_URL: `http://127.0.0.1:${UPSTREAM_PORT}/v1` },
      db: async () => handle.db,
      redisUrl: null,
    });
    await gw.ready();
    const srv = http.createServer((req, res) => void gw.nodeHandler(req, res));
    srv.keepAliveTimeout = 10_000;
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(srv.address() as { port: number }).port}/api/v1/chat/completions`;
    await waitFor(`http://127.0.0.1:${UPSTREAM_PORT}/v1/models`);

    await autocannon(url, 3); // warm-up: JIT, pools, caches
    await gw.flushMetering();
    const session = new inspector.Session();
    if (PROFILE) {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
    }
    const cpu0 = process.cpuUsage();
    const run = await autocannon(url, DURATION);
    await gw.flushMetering();
    const cpu = process.cpuUsage(cpu0);
    if (PROFILE) {
      const { profile } = await session.post('Profiler.stop');
      fs.mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
      fs.writeFileSync(path.join(root, 'bench', 'results', 'gateway-cpu.cpuprofile'), JSON.stringify(profile));
      session.disconnect();
    }
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const result = {
      connections: CONNECTIONS,
      seconds: DURATION,
      requests: run.requests,
      non2xx: run.non2xx,
      reqPerSec: Math.round(run.rps),
      cpuMsPerRequest: Number((cpuMs / run.requests).toFixed(3)),
      userMsPerRequest: Number((cpu.user / 1000 / run.requests).toFixed(3)),
      systemMsPerRequest: Number((cpu.system / 1000 / run.requests).toFixed(3)),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
    srv.close();
    await gw.shutdown();
    await handle.close();
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
    await admin.end();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    for (const c of children) c.kill('SIGTERM');
    process.exit(1);
  },
);
