import Link from 'next/link';
import { StatusBadge } from '@/components/ui/badge';
import { EmptyState } from '@/components/ui/feedback';
import { Money } from '@/components/ui/money';
import { LocalTime } from '@/components/ui/time';
import type { PortalJobRow } from '@/lib/gateway/jobs/views';

export function Pager({ page, pages, total, base }: { page: number; pages: number; total: number; base: string }) {
  const sep = base.includes('?') ? '&' : '?';
  return (
    <nav aria-label="Pages" className="mt-3 flex items-center justify-between text-sm text-slate-600">
      <span>
        {total} in all · page {page} of {pages}
      </span>
      <span className="flex gap-3">
        {page > 1 ? (
          <Link className="underline" href={`${base}${sep}page=${page - 1}`}>
            Previous
          </Link>
        ) : null}
        {page < pages ? (
          <Link className="underline" href={`${base}${sep}page=${page + 1}`}>
            Next
          </Link>
        ) : null}
      </span>
    </nav>
  );
}

/** The tenant's jobs: price only (charged, or held while running). */
export function JobsTable({ rows, page, pages, total }: { rows: PortalJobRow[]; page: number; pages: number; total: number }) {
  if (total === 0) return <EmptyState title="No jobs yet" description="Create one with POST /api/v1/videos or /api/v1/3d/generations." />;
  return (
    <>
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="w-full text-sm">
          <thead className="bg-slate-50 text-left text-slate-600">
            <tr>
              <th className="px-3 py-2">Job</th>
              <th className="px-3 py-2">Model</th>
              <th className="px-3 py-2">Status</th>
              <th className="px-3 py-2 text-right">Progress</th>
              <th className="px-3 py-2 text-right">Price</th>
              <th className="px-3 py-2">Created</th>
              <th className="px-3 py-2">Result</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} className="border-t border-slate-100 align-top">
                <td className="px-3 py-2">
                  <div className="font-mono text-xs">{r.publicId}</div>
                  <div className="text-xs text-slate-500">{r.kind === 'video' ? `Video${r.seconds ? ` · ${r.seconds} s` : ''}` : '3D model'}</div>
                </td>
                <td className="px-3 py-2">{r.model}</td>
                <td className="px-3 py-2">
                  <StatusBadge status={r.status} />
                  {r.error ? <div className="mt-1 max-w-xs text-xs text-slate-600">{r.error}</div> : null}
                </td>
                <td className="px-3 py-2 text-right tabular-nums">{r.progress}%</td>
                <td className="px-3 py-2 text-right">
                  {r.price !== null ? (
                    <Money value={r.price} kind="small" />
                  ) : (
                    <span title="Held against your budget while the job runs">
                      ≤ <Money value={r.estimatedPrice} kind="small" />
                    </span>
                  )}
                </td>
                <td className="px-3 py-2">
                  <LocalTime value={r.createdAt.toISOString()} />
                </td>
                <td className="px-3 py-2">
                  {r.hasPreview ? (
                    <img
                      src={`/portal/jobs/${r.id}/content?variant=preview`}
                      alt={`Preview of ${r.publicId}`}
                      className="mb-1 h-12 w-20 rounded object-cover"
                    />
                  ) : null}
                  {r.hasContent ? (
                    <a className="underline" href={`/portal/jobs/${r.id}/content`}>
                      Download {r.kind === 'video' ? 'video' : 'glb'}
                    </a>
                  ) : (
                    <span className="text-slate-500">—</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager page={page} pages={pages} total={total} base="/portal/jobs" />
    </>
  );
}
