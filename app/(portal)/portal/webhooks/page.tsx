import { Forbidden } from '@/components/shell/forbidden';
import { Pager } from '@/components/portal/jobs-view';
import { WebhookForm } from '@/components/portal/webhook-form';
import { StatusBadge } from '@/components/ui/badge';
import { buttonClasses } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/feedback';
import { PageHeader } from '@/components/ui/page';
import { LocalTime } from '@/components/ui/time';
import { requireTenantPage } from '@/lib/auth/session';
import { listDeliveries, listWebhooks } from '@/lib/gateway/jobs/webhooks';
import { PAGE_SIZE } from '@/lib/gateway/jobs/views';
import { createWebhookAction, deleteWebhookAction, redeliverAction } from './actions';

export const metadata = { title: 'Webhooks' };

export default async function PortalWebhooksPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const access = await requireTenantPage(['owner']);
  if (!access.ok) return <Forbidden reason={access.reason} home="/portal" />;
  const raw = (await searchParams).page;
  const page = Math.max(1, Number(Array.isArray(raw) ? raw[0] : raw) || 1);
  const tenantId = access.ctx.tenantId;
  const [hooks, log] = await Promise.all([listWebhooks(tenantId), listDeliveries(tenantId, { page, pageSize: PAGE_SIZE })]);
  return (
    <>
      <PageHeader
        title="Webhooks"
        description="RADIANT POSTs job.completed and job.failed to these URLs, signed the Standard Webhooks way, and retries with backoff for about a day."
      />
      <div className="grid gap-6 lg:grid-cols-2">
        <WebhookForm action={createWebhookAction} />
        <section aria-labelledby="wh-list" className="rounded-lg border border-slate-200 bg-white p-4">
          <h2 id="wh-list" className="mb-2 font-medium">
            Endpoints
          </h2>
          {hooks.length === 0 ? (
            <p className="text-sm text-slate-600">No webhooks yet.</p>
          ) : (
            <ul className="divide-y divide-slate-100 text-sm">
              {hooks.map((h) => (
                <li key={h.id} className="flex items-center justify-between gap-2 py-2">
                  <div>
                    <div className="break-all font-mono text-xs">{h.url}</div>
                    <div className="text-xs text-slate-500">
                      {h.events.join(', ')} · secret {h.secretPrefix}… {h.description ? `· ${h.description}` : ''}
                    </div>
                  </div>
                  <form action={deleteWebhookAction}>
                    <input type="hidden" name="id" value={h.id} />
                    <button type="submit" className={buttonClasses('secondary', 'sm')} aria-label={`Delete webhook ${h.url}`}>
                      Delete
                    </button>
                  </form>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
      <h2 className="mt-8 mb-2 text-lg font-medium">Delivery log</h2>
      {log.total === 0 ? (
        <EmptyState title="No deliveries yet" />
      ) : (
        <>
          <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
            <table className="w-full text-sm">
              <thead className="bg-slate-50 text-left text-slate-600">
                <tr>
                  <th className="px-3 py-2">Event</th>
                  <th className="px-3 py-2">Endpoint</th>
                  <th className="px-3 py-2">Status</th>
                  <th className="px-3 py-2 text-right">Attempts</th>
                  <th className="px-3 py-2">Last answer</th>
                  <th className="px-3 py-2">Created</th>
                  <th className="px-3 py-2">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {log.rows.map((d) => (
                  <tr key={d.id} className="border-t border-slate-100">
                    <td className="px-3 py-2">
                      <div>{d.event}</div>
                      <div className="font-mono text-xs text-slate-500">{d.messageId}</div>
                    </td>
                    <td className="max-w-xs break-all px-3 py-2 font-mono text-xs">{d.url}</td>
                    <td className="px-3 py-2">
                      <StatusBadge status={d.status} />
                    </td>
                    <td className="px-3 py-2 text-right tabular-nums">{d.attempts}</td>
                    <td className="px-3 py-2 text-xs">{d.lastStatusCode ?? d.lastError ?? '—'}</td>
                    <td className="px-3 py-2">
                      <LocalTime value={d.createdAt.toISOString()} />
                    </td>
                    <td className="px-3 py-2">
                      <form action={redeliverAction}>
                        <input type="hidden" name="id" value={d.id} />
                        <button type="submit" className={buttonClasses('secondary', 'sm')}>
                          Redeliver
                        </button>
                      </form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager page={page} pages={Math.max(1, Math.ceil(log.total / PAGE_SIZE))} total={log.total} base="/portal/webhooks" />
        </>
      )}
    </>
  );
}
