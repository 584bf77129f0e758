'use client';

/**
 * The table for lists that grow with customers: TanStack Table v9 in MANUAL mode. The server has
 * already searched, filtered, sorted and paginated (keyset); this component only draws the page
 * and turns a click on a sortable header or "Next page" into a new URL (the view's state lives
 * in the URL, so it can be shared and reloaded). No client-side row models are registered.
 *
 * Fitting the screen: every column has a `priority` (1 = always shown, 2 = from 768 px,
 * 3 = from 1280 px). What a person comes for (price, amount, status) is priority 1; secondary
 * columns fold away on narrow screens instead of pushing the key figures off to the side.
 */
import {
  columnVisibilityFeature,
  createColumnHelper,
  metaHelper,
  rowSortingFeature,
  tableFeatures,
  useTable,
  type ColumnDef,
  type RowData,
  type SortingState,
} from '@tanstack/react-table';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useTransition, type ReactNode } from 'react';
import { cn } from '../ui/cn';
import { cellClass, headerClass, SortMark } from './cells';

export interface ServerColumnMeta {
  label?: string;
  align?: 'left' | 'right' | 'center';
  /** 1 always; 2 hidden below 768 px; 3 hidden below 1280 px. Default 2. */
  priority?: 1 | 2 | 3;
  /** The URL `sort` value this column sorts by (server-side); absent = not sortable. */
  sortKey?: string;
  className?: string;
}

export const serverTableFeatures = tableFeatures({ rowSortingFeature, columnVisibilityFeature, columnMeta: metaHelper<ServerColumnMeta>() });
export type ServerTableFeatures = typeof serverTableFeatures;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ServerColumn<T extends RowData> = ColumnDef<ServerTableFeatures, T, any>;

export function serverColumnHelper<T extends RowData>() {
  return createColumnHelper<ServerTableFeatures, T>();
}

export function ServerTable<T extends RowData>({
  rows,
  columns,
  caption,
  getRowId,
  next,
  sort,
  dir,
  empty,
  testId,
  csvHref,
  totalLabel,
}: {
  rows: T[];
  columns: ServerColumn<T>[];
  caption: string;
  getRowId: (row: T) => string;
  /** Cursor of the next page (null on the last page). */
  next: string | null;
  sort?: string;
  dir?: 'asc' | 'desc';
  empty?: ReactNode;
  testId?: string;
  /** Link to the streamed CSV of the whole filtered set. */
  csvHref?: string;
  totalLabel?: string;
}) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const [loading, start] = useTransition();
  const sorting: SortingState = sort ? [{ id: sort, desc: dir !== 'asc' }] : [];

  const hrefWith = (changes: Record<string, string | null>) => {
    const sp = new URLSearchParams(params.toString());
    for (const [k, v] of Object.entries(changes)) {
      if (v === null) sp.delete(k);
      else sp.set(k, v);
    }
    const s = sp.toString();
    return s ? `${pathname}?${s}` : pathname;
  };

  const table = useTable({
    features: serverTableFeatures,
    columns,
    data: rows,
    getRowId: (r: T) => getRowId(r),
    state: { sorting },
    manualSorting: true,
    enableSortingRemoval: false,
    onSortingChange: (updater) => {
      const nextSort = typeof updater === 'function' ? updater(sorting) : updater;
      const first = nextSort[0];
      if (!first) return;
      start(() => router.push(hrefWith({ sort: first.id, dir: first.desc ? 'desc' : 'asc', cursor: null })));
    },
  });

  const isFirstPage = !params.get('cursor');
  return (
    <div className="space-y-2" aria-busy={loading}>
      <div className="relative rounded-lg border border-slate-200 bg-white">
        <table className={cn('w-full table-auto border-collapse text-sm', loading && 'opacity-60')} data-testid={testId}>
          <caption className="sr-only">{caption}</caption>
          <thead className="bg-slate-50">
            {table.getHeaderGroups().map((hg) => (
              <tr key={hg.id}>
                {hg.headers.map((h) => {
                  const meta = h.column.columnDef.meta;
                  const sortable = Boolean(meta?.sortKey);
                  const active = sortable && sort === meta?.sortKey;
                  const ariaSort = active ? (dir === 'asc' ? 'ascending' : 'descending') : sortable ? 'none' : undefined;
                  return (
                    <th key={h.id} scope="col" aria-sort={ariaSort} className={headerClass(meta, 2)}>
                      {sortable ? (
                        <Link
                          href={hrefWith({ sort: meta!.sortKey!, dir: active && dir === 'desc' ? 'asc' : 'desc', cursor: null })}
                          className="inline-flex items-center gap-1 uppercase hover:text-slate-950"
                          scroll={false}
                        >
                          <table.FlexRender header={h} />
                          <SortMark dir={active ? (dir === 'asc' ? 'asc' : 'desc') : false} />
                        </Link>
                      ) : (
                        <table.FlexRender header={h} />
                      )}
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody>
            {rows.length === 0 ? (
              <tr>
                <td colSpan={columns.length} className="px-3 py-10 text-center text-sm text-slate-600">
                  {isFirstPage ? (empty ?? 'Nothing here yet.') : 'No more rows.'}
                </td>
              </tr>
            ) : (
              table.getRowModel().rows.map((row) => (
                <tr key={row.id} className="border-b border-slate-100 last:border-0 hover:bg-slate-50">
                  {row.getVisibleCells().map((cell) => {
                    const meta = cell.column.columnDef.meta;
                    return (
                      <td key={cell.id} data-col={cell.column.id} className={cellClass(meta, 2, 'break-words')}>
                        <table.FlexRender cell={cell} />
                      </td>
                    );
                  })}
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      <nav aria-label={`${caption} pages`} className="flex flex-wrap items-center justify-between gap-2 text-sm text-slate-700">
        <p aria-live="polite">{loading ? 'Loading…' : (totalLabel ?? `${rows.length} ${rows.length === 1 ? 'row' : 'rows'} on this page`)}</p>
        <div className="flex items-center gap-2">
          {csvHref ? (
            <a className="rounded-md border border-slate-300 bg-white px-3 py-1 font-medium hover:bg-slate-50" href={csvHref}>
              Export CSV
            </a>
          ) : null}
          {!isFirstPage ? (
            <Link className="rounded-md border border-slate-300 bg-white px-3 py-1 font-medium hover:bg-slate-50" href={hrefWith({ cursor: null })}>
              First page
            </Link>
          ) : null}
          {next ? (
            <Link className="rounded-md border border-slate-300 bg-white px-3 py-1 font-medium hover:bg-slate-50" href={hrefWith({ cursor: next })} rel="next">
              Next page
            </Link>
          ) : null}
        </div>
      </nav>
    </div>
  );
}

export interface FilterField {
  name: string;
  label: string;
  type: 'search' | 'select' | 'date';
  options?: Array<{ value: string; label: string }>;
  placeholder?: string;
}

/** The filter bar: a plain GET form (works before hydration), so filters land in the URL. */
export function ListFilters({
  fields,
  values,
  action,
  keep = [],
}: {
  fields: FilterField[];
  values: Record<string, string>;
  action?: string;
  /** Other URL parameters the form carries over unchanged (e.g. the tab shown). */
  keep?: string[];
}) {
  return (
    <form method="get" action={action} className="flex flex-wrap items-end gap-2" role="search">
      {keep.map((k) => (values[k] ? <input key={k} type="hidden" name={k} value={values[k]} /> : null))}
      {values.sort ? <input type="hidden" name="sort" value={values.sort} /> : null}
      {values.dir ? <input type="hidden" name="dir" value={values.dir} /> : null}
      {fields.map((f) => {
        const id = `filter-${f.name}`;
        return (
          <div key={f.name} className={cn('flex flex-col', f.type === 'search' && 'min-w-48 flex-1 sm:max-w-xs')}>
            <label htmlFor={id} className="text-xs font-medium text-slate-700">
              {f.label}
            </label>
            {f.type === 'select' ? (
              <select
                id={id}
                name={f.name}
                defaultValue={values[f.name] ?? ''}
                className="h-9 rounded-md border border-slate-300 bg-white px-2 pr-8 text-sm shadow-sm focus:border-brand-600 focus:ring-1 focus:ring-brand-600 focus:outline-none"
              >
                <option value="">All</option>
                {(f.options ?? []).map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </select>
            ) : (
              <input
                id={id}
                name={f.name}
                type={f.type}
                defaultValue={values[f.name] ?? ''}
                placeholder={f.placeholder}
                className="h-9 w-full rounded-md border border-slate-300 bg-white px-3 text-sm shadow-sm placeholder:text-slate-500 focus:border-brand-600 focus:ring-1 focus:ring-brand-600 focus:outline-none"
              />
            )}
          </div>
        );
      })}
      <button type="submit" className="h-9 rounded-md bg-brand-700 px-3 text-sm font-medium text-white hover:bg-brand-800">
        Apply
      </button>
    </form>
  );
}
