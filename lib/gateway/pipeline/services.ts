/**
 * What the stages may use: the process's shared gateway state (caches, limiter, budget ledger,
 * provider health, metering writer, configuration). The Gateway (gateway.ts) implements it; the
 * stages take it as their first argument and hold no state of their own.
 */
import type { Db } from '../../db/client';
import type { KeyCache } from '../auth';
import type { ResolvedGatewayOptions } from '../config';
import type { ProviderHealthTracker } from '../health';
import type { BudgetLedger } from '../limits/budget';
import type { Limiter } from '../limits/limiter';
import type { MeteringWriter } from '../metering/writer';
import type { ProviderEndpoint } from '../providers';
import type { ResponseCache } from '../response-cache';
import type { CatalogSnapshot, GatewayModel, GatewayProvider, TenantConfig } from '../state';
import type { KeyUsageTracker, ThermalTracker } from '../thermal';

export interface GatewayServices {
  readonly options: ResolvedGatewayOptions;
  readonly keys: KeyCache;
  readonly limiter: Limiter;
  readonly budget: BudgetLedger;
  readonly health: ProviderHealthTracker;
  readonly thermal: ThermalTracker;
  readonly keyUsage: KeyUsageTracker;
  readonly writer: MeteringWriter;
  readonly responseCache: ResponseCache;
  db(): Promise<Db>;
  /** The cached catalog (models, providers, platform markups, routing rules). */
  snapshot(): Promise<CatalogSnapshot>;
  /** The cached per-tenant configuration (model access, markups, options); 503 when it cannot load. */
  tenantConfig(tenantId: string): Promise<TenantConfig>;
  /** Base URL and credential of a provider; throws ProviderNotConfiguredError. */
  endpoint(p: GatewayProvider, snap: CatalogSnapshot): ProviderEndpoint;
  /** Provider configured and not cooling down. */
  available(m: GatewayModel, snap: CatalogSnapshot): boolean;
}
