/** Observability: structured logs (./logger), Prometheus metrics (./metrics, ./business-metrics)
 * and their HTTP glue (./http). docs/operations.md lists every field and series. */
export * from './logger';
export * from './metrics';
export { enableBusinessMetrics, loadBusinessFigures, type BusinessFigures } from './business-metrics';
export { checkMetricsAuth, handleMetricsRequest, instrumentRoute, type MetricsAuth } from './http';
