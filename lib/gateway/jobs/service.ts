/**
 * The jobs runtime of a gateway: one per Gateway (the process's, or a test's), built on the
 * gateway's own services so jobs share its catalog cache, tenant configuration, provider
 * endpoints and BUDGET LEDGER with chat. The in-process poller starts with it (unless
 * RADIANT_JOBS_POLLER=off): on the embedded database it is what moves jobs forward; with
 * PostgreSQL every instance runs one and the job leases keep them from stepping on each other.
 */
import type { GatewayServices } from '../pipeline/services';
import { createJobsRuntime, type JobsOptions, type JobsRuntime } from './runtime';
import { startJobPoller, type PollerHandle } from './runner';
import { storageFromEnv, type ResultStorage } from './storage';

interface Entry {
  rt: JobsRuntime;
  poller: PollerHandle | null;
}

const RUNTIMES = new WeakMap<GatewayServices, Entry>();

export interface JobsSetup {
  env?: Record<string, string | undefined>;
  storage?: ResultStorage;
  options?: Partial<JobsOptions>;
  instanceId?: string;
  /** Start the in-process poller (default: unless RADIANT_JOBS_POLLER=off). */
  poller?: boolean;
  pollIntervalMs?: number;
}

/** Configure a gateway's jobs before first use (tests, scripts). Replaces an existing runtime. */
export async function configureJobs(gw: GatewayServices, setup: JobsSetup): Promise<JobsRuntime> {
  await stopJobsFor(gw);
  return entryFor(gw, setup).rt;
}

export function jobsRuntimeFor(gw: GatewayServices): JobsRuntime {
  return entryFor(gw, {}).rt;
}

function entryFor(gw: GatewayServices, setup: JobsSetup): Entry {
  let e = RUNTIMES.get(gw);
  if (e) return e;
  const env = setup.env ?? gw.options.env;
  const rt = createJobsRuntime({
    ledger: gw.budget,
    storage: setup.storage ?? storageFromEnv(env),
    env,
    options: setup.options,
    db: () => gw.db(),
    instanceId: setup.instanceId,
  });
  // The gateway's caches, not a second copy.
  rt.catalog = () => gw.snapshot();
  rt.tenant = (tenantId) => gw.tenantConfig(tenantId);
  const off = (env.RADIANT_JOBS_POLLER ?? '').toLowerCase() === 'off';
  e = { rt, poller: null };
  RUNTIMES.set(gw, e);
  if (setup.poller ?? !off) e.poller = startJobPoller(rt, { intervalMs: setup.pollIntervalMs ?? 1_000 });
  return e;
}

export async function stopJobsFor(gw: GatewayServices): Promise<void> {
  const e = RUNTIMES.get(gw);
  if (!e) return;
  RUNTIMES.delete(gw);
  await e.poller?.stop();
}
