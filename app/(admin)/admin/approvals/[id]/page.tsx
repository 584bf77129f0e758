import Link from 'next/link';
import { notFound } from 'next/navigation';
import { ApprovalStatusBadge, RiskBadge } from '@/components/governance/badges';
import { ChangeDiff, type DiffChange } from '@/components/governance/change-diff';
import { DecisionPanel } from '@/components/governance/decision-panel';
import { Forbidden } from '@/components/shell/forbidden';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Alert } from '@/components/ui/feedback';
import { DescriptionList, PageHeader } from '@/components/ui/page';
import { LocalTime } from '@/components/ui/time';
import { requireAdminPage } from '@/lib/auth/session';
import { NotFoundError } from '@/lib/errors';
import { getRequest } from '@/lib/governance/approvals';
import { approverRolesFor } from '@/lib/governance/permissions';
import { approveAction, cancelAction, rejectAction } from '../actions';

export const metadata = { title: 'Approval request' };
export const dynamic = 'force-dynamic';

export default async function ApprovalDetailPage({ params }: { params: Promise<{ id: string }> }) {
  const access = await requireAdminPage('approvals.read');
  if (!access.ok) return <Forbidden reason={access.reason} />;
  const { id } = await params;
  let detail;
  try {
    detail = await getRequest({ ctx: access.ctx, input: { id } });
  } catch (err) {
    if (err instanceof NotFoundError) notFound();
    throw err;
  }
  const { request: r, preview, previewError, eligibility, history } = detail;
  const executed =
    (r.executionResult as {
      ok?: boolean;
      changes?: Array<{ resourceType: string; resourceId: string; oldValues: Record<string, unknown> | null; newValues: Record<string, unknown> | null }>;
      error?: string;
    } | null) ?? null;
  const diff: DiffChange[] | null = preview
    ? preview
    : executed?.changes
      ? executed.changes.map((c) => ({ resourceType: c.resourceType, resourceId: c.resourceId, before: c.oldValues, after: c.newValues }))
      : null;

  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/admin/approvals" className="text-brand-700 underline">
          ← Approvals
        </Link>
      </p>
      <PageHeader
        title={r.title}
        description={
          <span className="inline-flex flex-wrap items-center gap-2">
            <ApprovalStatusBadge status={r.status} /> <RiskBadge risk={r.riskLevel} /> <code className="text-xs">{r.action}</code>
            <span className="text-xs text-slate-600">
              {r.type.replace(/_/g, ' ')} · {r.environment}
            </span>
          </span>
        }
      />
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="space-y-6 lg:col-span-2">
          <Card>
            <CardHeader
              title={r.status === 'pending' ? 'What changes' : 'What changed'}
              description={r.status === 'pending' ? 'Current values against the proposed ones, computed now.' : undefined}
            />
            <CardBody>
              {previewError ? <Alert tone="warning">{previewError}</Alert> : null}
              {diff ? (
                <ChangeDiff changes={diff} beforeLabel={r.status === 'pending' ? 'Now' : 'Before'} afterLabel={r.status === 'pending' ? 'Proposed' : 'After'} />
              ) : (
                <p className="text-sm text-slate-600">No field-level changes recorded.</p>
              )}
              {executed && executed.ok === false ? (
                <div className="mt-4">
                  <Alert tone="danger" title="Execution failed; nothing was applied">
                    {executed.error}
                  </Alert>
                </div>
              ) : null}
              <details className="mt-4 text-sm">
                <summary className="cursor-pointer text-slate-700">Payload</summary>
                <pre className="mt-2 overflow-x-auto rounded bg-slate-50 p-3 text-xs">{JSON.stringify(r.payload, null, 2)}</pre>
              </details>
            </CardBody>
          </Card>
          <Card>
            <CardHeader title="Impact and rollback" />
            <CardBody className="space-y-4 text-sm">
              {r.description ? (
                <div>
                  <h3 className="text-xs font-medium text-slate-600">Description</h3>
                  <p className="whitespace-pre-wrap text-slate-900">{r.description}</p>
                </div>
              ) : null}
              <div>
                <h3 className="text-xs font-medium text-slate-600">Impact analysis</h3>
                <p className="whitespace-pre-wrap text-slate-900">{r.impactAnalysis ?? '—'}</p>
              </div>
              <div>
                <h3 className="text-xs font-medium text-slate-600">Rollback plan</h3>
                <p className="whitespace-pre-wrap text-slate-900">{r.rollbackPlan ?? '—'}</p>
              </div>
            </CardBody>
          </Card>
          <Card>
            <CardHeader title="History" description="From the audit log." />
            <CardBody>
              <ol className="space-y-2 text-sm" aria-label="Request history">
                {history.map((h) => (
                  <li key={h.id} className="flex flex-wrap gap-x-2">
                    <LocalTime value={h.createdAt} className="text-slate-600" />
                    <code className="text-slate-900">{h.action}</code>
                    <span className="text-slate-700">by {h.actorEmail ?? h.actorType}</span>
                  </li>
                ))}
              </ol>
            </CardBody>
          </Card>
        </div>
        <div className="space-y-6">
          <Card>
            <CardHeader title="Decision" description={`Approvers for this request: ${approverRolesFor(r.type, r.riskLevel).join(', ')}.`} />
            <CardBody>
              <DecisionPanel
                id={r.id}
                closedStatus={r.status === 'pending' ? null : r.status}
                eligibility={eligibility}
                approve={approveAction}
                reject={rejectAction}
                cancel={cancelAction}
              />
            </CardBody>
          </Card>
          <Card>
            <CardBody>
              <DescriptionList
                className="sm:grid-cols-1"
                items={[
                  { label: 'Proposed by', value: r.initiatedBy ? `${r.initiatedBy.name} (${r.initiatedBy.email})` : '—' },
                  { label: 'Proposed', value: <LocalTime value={r.initiatedAt} /> },
                  { label: r.status === 'pending' ? 'Expires' : 'Expiry', value: <LocalTime value={r.expiresAt} /> },
                  ...(r.approvedBy ? [{ label: r.status === 'failed' ? 'Approved (failed) by' : 'Approved by', value: r.approvedBy.email }] : []),
                  ...(r.rejectedBy ? [{ label: 'Rejected by', value: r.rejectedBy.email }] : []),
                  ...(r.approvalNotes ? [{ label: 'Decision notes', value: r.approvalNotes }] : []),
                  ...(r.executedAt ? [{ label: 'Applied', value: <LocalTime value={r.executedAt} /> }] : []),
                ]}
              />
            </CardBody>
          </Card>
        </div>
      </div>
    </>
  );
}
