/** Shared set-up for the jobs tests: fakes for every provider, env pointing at them, a runtime. */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Db } from '@/lib/db/client';
import { BudgetLedger } from '@/lib/gateway/limits/budget';
import { jobAwareBudgetSources } from '@/lib/gateway/jobs/money';
import { createJobsRuntime, type JobsOptions, type JobsRuntime } from '@/lib/gateway/jobs/runtime';
import { LocalStorage, type ResultStorage } from '@/lib/gateway/jobs/storage';
import { FakeRunway } from '../fake-providers/runway';
import { FakeLuma } from '../fake-providers/luma';
import { FakeKling } from '../fake-providers/kling';
import { FakeVeo } from '../fake-providers/veo';
import { FakeMeshy } from '../fake-providers/meshy';
import { FakeTripo } from '../fake-providers/tripo';

export interface Fakes {
  runway: FakeRunway;
  luma: FakeLuma;
  kling: FakeKling;
  veo: FakeVeo;
  meshy: FakeMeshy;
  tripo: FakeTripo;
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startFakes(): Promise<Fakes> {
  const [runway, luma, kling, veo, meshy, tripo] = await Promise.all([
    new FakeRunway().start(),
    new FakeLuma().start(),
    new FakeKling().start(),
    new FakeVeo().start(),
    new FakeMeshy().start(),
    new FakeTripo().start(),
  ]);
  for (const f of [runway, luma, kling, veo, meshy, tripo]) f.pollsToFinish = 2;
  const env = {
    RUNWAY_BASE_URL: runway.baseUrl,
    RUNWAY_API_KEY: runway.apiKey,
    LUMA_BASE_URL: luma.baseUrl,
    LUMA_API_KEY: luma.apiKey,
    KLING_BASE_URL: kling.baseUrl,
    KLING_API_KEY: kling.credential,
    VEO_BASE_URL: veo.baseUrl,
    GOOGLE_API_KEY: veo.apiKey,
    MESHY_BASE_URL: meshy.baseUrl,
    MESHY_API_KEY: meshy.apiKey,
    TRIPO_BASE_URL: tripo.baseUrl,
    TRIPO_API_KEY: tripo.apiKey,
  };
  return {
    runway,
    luma,
    kling,
    veo,
    meshy,
    tripo,
    env,
    close: async () => {
      await Promise.all([runway, luma, kling, veo, meshy, tripo].map((f) => f.close()));
    },
  };
}

/** The tenants this test file made: its runtimes work only on their jobs, so files sharing one
 * PostgreSQL database (each with its own fake providers) never pick up each other's jobs. */
export const MY_TENANTS = new Set<string>();
export const onlyMine = () => [...MY_TENANTS];

export async function tempDir(prefix: string): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

export function makeRuntime(
  db: Db,
  fakes: Fakes,
  opts: { storage: ResultStorage; options?: Partial<JobsOptions>; instanceId?: string; ledger?: BudgetLedger; now?: () => number },
): JobsRuntime {
  const ledger = opts.ledger ?? new BudgetLedger(jobAwareBudgetSources(async () => db));
  return createJobsRuntime({
    ledger,
    storage: opts.storage,
    env: fakes.env,
    db: async () => db,
    instanceId: opts.instanceId,
    now: opts.now,
    catalogTtlMs: 60_000,
    options: { pollMinMs: 0, pollMaxMs: 0, leaseMs: 30_000, onlyTenants: onlyMine, ...opts.options },
  });
}

export { LocalStorage };
