/**
 * Metering's own Prometheus series, registered on the process registry (lib/observability/metrics)
 * the first time they are used, so this module adds series without touching the shared metric set:
 *   radiant_usage_invalid_total{provider}          provider usage replaced by our own count
 *   radiant_metering_quarantined_total             rows the database refused (sent to quarantine)
 *   radiant_metering_journal_errors_total{code}    journal append/fsync failures (ENOSPC, EACCES...)
 *   radiant_metering_journal_healthy               1 while the journal accepts writes, else 0
 *   radiant_metering_unjournaled_events            events held only in memory (journal down)
 *   radiant_metering_accepting_paid_requests       0 while paid requests are refused (503)
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import { getMetrics } from '../../observability/metrics';

interface MeteringMetrics {
  usageInvalid: Counter<'provider'>;
  quarantined: Counter;
  journalErrors: Counter<'code'>;
  journalHealthy: Gauge;
  unjournaled: Gauge;
  accepting: Gauge;
}

const byRegistry = new WeakMap<Registry, MeteringMetrics>();

/** Probes of every writer in the process (summed at scrape time). */
const probes = new Set<() => { journalHealthy: boolean; unjournaled: number; accepting: boolean }>();

function metrics(): MeteringMetrics {
  const registry = getMetrics().registry;
  let m = byRegistry.get(registry);
  if (m) return m;
  const registers = [registry];
  const sum = (f: (p: ReturnType<Parameters<typeof probes.add>[0]>) => number) => {
    let n = 0;
    for (const p of probes) {
      try {
        n += f(p());
      } catch {
        /* a writer that went away */
      }
    }
    return n;
  };
  m = {
    usageInvalid: new Counter({
      name: 'radiant_usage_invalid_total',
      help: 'Provider usage objects that were impossible (fractional, negative, cached > input, reasoning > output) and were replaced by our own token count.',
      labelNames: ['provider'] as const,
      registers,
    }),
    quarantined: new Counter({
      name: 'radiant_metering_quarantined_total',
      help: 'Metering rows the database refused, moved to the metering_quarantine table (admin: /admin/metering).',
      registers,
    }),
    journalErrors: new Counter({
      name: 'radiant_metering_journal_errors_total',
      help: 'Failed writes to the metering write-ahead journal, by error code.',
      labelNames: ['code'] as const,
      registers,
    }),
    journalHealthy: new Gauge({
      name: 'radiant_metering_journal_healthy',
      help: '1 while every metering writer of this process can append to its journal.',
      registers,
      collect() {
        this.set(probes.size === 0 || [...probes].every((p) => p().journalHealthy) ? 1 : 0);
      },
    }),
    unjournaled: new Gauge({
      name: 'radiant_metering_unjournaled_events',
      help: 'Usage events held only in memory because the journal cannot be written.',
      registers,
      collect() {
        this.set(sum((p) => p.unjournaled));
      },
    }),
    accepting: new Gauge({
      name: 'radiant_metering_accepting_paid_requests',
      help: '0 while the gateway refuses paid requests (503) because events could be lost.',
      registers,
      collect() {
        this.set(probes.size === 0 || [...probes].every((p) => p().accepting) ? 1 : 0);
      },
    }),
  };
  byRegistry.set(registry, m);
  return m;
}

export function recordUsageInvalid(provider: string): void {
  metrics().usageInvalid.labels(provider.slice(0, 50)).inc();
}

export function recordQuarantined(n = 1): void {
  metrics().quarantined.inc(n);
}

export function recordJournalError(code: string): void {
  metrics()
    .journalErrors.labels(/^E[A-Z]+$/.test(code) ? code : 'other')
    .inc();
}

export function observeWriterHealth(probe: () => { journalHealthy: boolean; unjournaled: number; accepting: boolean }): () => void {
  metrics();
  probes.add(probe);
  return () => probes.delete(probe);
}
