import type { RequestLogDetail } from '@/lib/tenants/request-logs';
import { StatusBadge } from '../ui/badge';
import { Card, CardBody, CardHeader } from '../ui/card';
import { Money } from '../ui/money';
import { DescriptionList } from '../ui/page';
import { LocalTime } from '../ui/time';

/** One logged request: what was asked and answered, with its price (never cost). */
export function RequestLogDetailView({ log, showTenant }: { log: RequestLogDetail; showTenant?: boolean }) {
  const json = (v: unknown) => JSON.stringify(v, null, 2);
  return (
    <div className="space-y-4">
      <Card>
        <CardBody>
          <DescriptionList
            items={[
              { label: 'Time', value: <LocalTime value={log.createdAt} /> },
              ...(showTenant ? [{ label: 'Tenant', value: log.tenantName ?? log.tenantId }] : []),
              { label: 'Request id', value: <code className="text-xs break-all">{log.requestId}</code> },
              { label: 'Key', value: log.keyName ? `${log.keyName} (${log.keyPrefix}…)` : '—' },
              { label: 'Model', value: log.model },
              { label: 'Status', value: <StatusBadge status={log.status ?? 'pending'} /> },
              { label: 'Tokens', value: log.inputTokens === null ? '—' : `${log.inputTokens} in · ${log.outputTokens ?? 0} out` },
              ...(log.units ? [{ label: 'Units', value: log.units }] : []),
              { label: 'Price', value: log.price ? <Money value={log.price} kind="small" /> : '—' },
              { label: 'Latency', value: log.latencyMs === null ? '—' : `${log.latencyMs} ms` },
              { label: 'Kept until', value: <LocalTime value={log.expiresAt} mode="date" /> },
            ]}
          />
        </CardBody>
      </Card>
      <Card>
        <CardHeader title="Request" />
        <CardBody>
          <pre className="max-h-[32rem] overflow-auto rounded bg-slate-50 p-3 text-xs whitespace-pre-wrap break-words" tabIndex={0} aria-label="Request body">
            {json(log.requestBody)}
          </pre>
        </CardBody>
      </Card>
      <Card>
        <CardHeader title="Answer" />
        <CardBody>
          <pre className="max-h-[32rem] overflow-auto rounded bg-slate-50 p-3 text-xs whitespace-pre-wrap break-words" tabIndex={0} aria-label="Response body">
            {json(log.responseBody)}
          </pre>
        </CardBody>
      </Card>
    </div>
  );
}
