/**
 * Old -> new values of the resources a change touches (a pending request's preview, or an
 * executed request's recorded changes). Values that differ are highlighted.
 */
export interface DiffChange {
  resourceType: string;
  resourceId: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

function show(v: unknown): string {
  if (v === undefined) return '—';
  if (v === null) return 'none';
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

export function ChangeDiff({ changes, beforeLabel = 'Now', afterLabel = 'Proposed' }: { changes: DiffChange[]; beforeLabel?: string; afterLabel?: string }) {
  if (changes.length === 0) return <p className="text-sm text-slate-600">This change has no field-level preview.</p>;
  return (
    <div className="space-y-4">
      {changes.map((c) => {
        const keys = [...new Set([...Object.keys(c.before ?? {}), ...Object.keys(c.after ?? {})])];
        return (
          <div key={`${c.resourceType}:${c.resourceId}`} className="overflow-x-auto rounded-lg border border-slate-200">
            <table className="min-w-full text-sm">
              <caption className="bg-slate-50 px-3 py-2 text-left text-xs font-medium text-slate-700">
                {c.resourceType} <code className="rounded bg-white px-1">{c.resourceId}</code>
                {c.before === null ? ' (created)' : c.after === null ? ' (removed)' : ''}
              </caption>
              <thead>
                <tr className="border-b border-slate-200 text-left text-xs text-slate-600">
                  <th scope="col" className="px-3 py-1.5 font-medium">
                    Field
                  </th>
                  <th scope="col" className="px-3 py-1.5 font-medium">
                    {beforeLabel}
                  </th>
                  <th scope="col" className="px-3 py-1.5 font-medium">
                    {afterLabel}
                  </th>
                </tr>
              </thead>
              <tbody>
                {keys.map((k) => {
                  const b = c.before?.[k];
                  const a = c.after?.[k];
                  const changed = show(b) !== show(a);
                  return (
                    <tr key={k} className={changed ? 'bg-amber-50' : undefined}>
                      <th scope="row" className="px-3 py-1.5 text-left font-medium text-slate-800">
                        {k}
                      </th>
                      <td className={changed ? 'px-3 py-1.5 text-red-800 line-through decoration-red-400' : 'px-3 py-1.5 text-slate-700'}>{show(b)}</td>
                      <td className={changed ? 'px-3 py-1.5 font-semibold text-emerald-800' : 'px-3 py-1.5 text-slate-700'}>{show(a)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        );
      })}
    </div>
  );
}
