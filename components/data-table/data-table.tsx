'use client';

/**
 * The one table of the app, on TanStack Table v9: sorting (click or Enter on a header), a
 * global search, per-column select filters (facets), pagination, column visibility and CSV
 * export of the filtered + sorted rows (all pages, visible columns).
 *
 * Screens define their columns in a client component with `columnHelper<Row>()` and pass
 * plain serializable rows from the server page.
 */
import {
  columnFacetingFeature,
  columnFilteringFeature,
  columnVisibilityFeature,
  createColumnHelper,
  createFacetedRowModel,
  createFacetedUniqueValues,
  createFilteredRowModel,
  createPaginatedRowModel,
  createSortedRowModel,
  filterFn_includesString,
  globalFilteringFeature,
  metaHelper,
  rowPaginationFeature,
  rowSortingFeature,
  sortFn_alphanumeric,
  sortFn_basic,
  sortFn_datetime,
  sortFn_text,
  tableFeatures,
  useTable,
  type Column,
  type ColumnDef,
  type ColumnFiltersState,
  type Row,
  type SortingState,
  type ColumnVisibilityState as VisibilityState,
  type RowData,
} from '@tanstack/react-table';
import { useId, useMemo, useState, type ReactNode } from 'react';
import { Button } from '../ui/button';
import { cn } from '../ui/cn';
import { cellClass, headerClass, SortMark } from './cells';
import { downloadText, toCsv } from './csv';

export interface DataTableColumnMeta {
  /** Plain-text name for the column menu, filters and the CSV header. */
  label?: string;
  align?: 'left' | 'right' | 'center';
  /** CSV value of the cell (default: the accessor value). */
  csv?: (row: never) => unknown;
  /** Not exported to CSV (action buttons). */
  noCsv?: boolean;
  className?: string;
  /** Fitting the screen: 1 always shown; 2 hidden below 768 px; 3 hidden below 1280 px; 4 hidden
   * below 1536 px (default 1). What a person comes for (price, amount, status) stays 1. */
  priority?: 1 | 2 | 3 | 4;
}

/** Exact equality on the string form of the value; '' / undefined clears the filter. */
const equalsText = Object.assign(
  <T extends RowData>(row: Row<DataTableFeatures, T>, columnId: string, filterValue: unknown) => {
    const v = row.getValue(columnId);
    const want = String(filterValue);
    return Array.isArray(v) ? v.map(String).includes(want) : String(v ?? '') === want;
  },
  { autoRemove: (v: unknown) => v === undefined || v === null || v === '' },
);

export const dataTableFeatures = tableFeatures({
  columnFilteringFeature,
  globalFilteringFeature,
  columnFacetingFeature,
  rowSortingFeature,
  rowPaginationFeature,
  columnVisibilityFeature,
  filteredRowModel: createFilteredRowModel(),
  facetedRowModel: createFacetedRowModel(),
  facetedUniqueValues: createFacetedUniqueValues(),
  sortedRowModel: createSortedRowModel(),
  paginatedRowModel: createPaginatedRowModel(),
  filterFns: { includesString: filterFn_includesString },
  sortFns: { alphanumeric: sortFn_alphanumeric, basic: sortFn_basic, datetime: sortFn_datetime, text: sortFn_text },
  columnMeta: metaHelper<DataTableColumnMeta>(),
});
export type DataTableFeatures = typeof dataTableFeatures;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type DataTableColumn<T extends RowData> = ColumnDef<DataTableFeatures, T, any>;

export function columnHelper<T extends RowData>() {
  return createColumnHelper<DataTableFeatures, T>();
}

/** Use as `filterFn` on columns that get a select filter (`facets`). */
export const exactFilter = equalsText;

/** Sort decimal strings (money) exactly enough for ordering: by numeric value. */
export function decimalSort<T extends RowData>(a: Row<DataTableFeatures, T>, b: Row<DataTableFeatures, T>, columnId: string): number {
  const x = Number(a.getValue(columnId) ?? NaN);
  const y = Number(b.getValue(columnId) ?? NaN);
  if (Number.isNaN(x) && Number.isNaN(y)) return 0;
  if (Number.isNaN(x)) return 1;
  if (Number.isNaN(y)) return -1;
  return x < y ? -1 : x > y ? 1 : 0;
}

export interface FacetFilter {
  columnId: string;
  label: string;
  /** Fixed options; default: the column's distinct values. */
  options?: Array<{ value: string; label: string }>;
}

function labelOf<T extends RowData>(column: Column<DataTableFeatures, T, unknown>): string {
  const meta = column.columnDef.meta;
  if (meta?.label) return meta.label;
  const h = column.columnDef.header;
  return typeof h === 'string' ? h : column.id;
}

export interface DataTableProps<T extends RowData> {
  data: T[];
  columns: DataTableColumn<T>[];
  /** Accessible name of the table (also the caption, visually hidden unless `showCaption`). */
  caption: string;
  showCaption?: boolean;
  getRowId?: (row: T, index: number) => string;
  /** File name for CSV export; omit to hide the button. */
  csvFilename?: string;
  searchPlaceholder?: string;
  facets?: FacetFilter[];
  initialSorting?: SortingState;
  initialColumnVisibility?: VisibilityState;
  initialFilters?: ColumnFiltersState;
  pageSize?: number;
  empty?: ReactNode;
  /** Extra controls to the right of the toolbar. */
  toolbar?: ReactNode;
  rowClassName?: (row: T) => string | undefined;
  /** data-testid on the <table>. */
  testId?: string;
  /** Show the search box (default true) and the column menu (default true). */
  search?: boolean;
  columnMenu?: boolean;
}

export function DataTable<T extends RowData>({
  data,
  columns,
  caption,
  showCaption = false,
  getRowId,
  csvFilename,
  searchPlaceholder = 'Search…',
  facets = [],
  initialSorting = [],
  initialColumnVisibility = {},
  initialFilters = [],
  pageSize = 25,
  empty,
  toolbar,
  rowClassName,
  testId,
  search = true,
  columnMenu = true,
}: DataTableProps<T>) {
  const [sorting, setSorting] = useState<SortingState>(initialSorting);
  const [columnFilters, setColumnFilters] = useState<ColumnFiltersState>(initialFilters);
  const [globalFilter, setGlobalFilter] = useState('');
  const [columnVisibility, setColumnVisibility] = useState<VisibilityState>(initialColumnVisibility);
  const [pagination, setPagination] = useState({ pageIndex: 0, pageSize });
  const [showColumns, setShowColumns] = useState(false);
  const baseId = useId();

  const table = useTable({
    features: dataTableFeatures,
    columns,
    data,
    ...(getRowId ? { getRowId: (row: T, index: number) => getRowId(row, index) } : {}),
    state: { sorting, columnFilters, globalFilter, columnVisibility, pagination },
    onSortingChange: setSorting,
    onColumnFiltersChange: setColumnFilters,
    onGlobalFilterChange: setGlobalFilter,
    onColumnVisibilityChange: setColumnVisibility,
    onPaginationChange: setPagination,
    globalFilterFn: 'includesString',
  });

  const filteredCount = table.getFilteredRowModel().rows.length;
  const pageCount = Math.max(1, table.getPageCount());
  const rows = table.getRowModel().rows;
  const visibleLeaf = table.getVisibleLeafColumns();

  const facetOptions = useMemo(() => {
    const out = new Map<string, Array<{ value: string; label: string }>>();
    for (const f of facets) {
      if (f.options) {
        out.set(f.columnId, f.options);
        continue;
      }
      const col = table.getColumn(f.columnId);
      const values = col ? [...col.getFacetedUniqueValues().keys()] : [];
      const flat = new Set<string>();
      for (const v of values) (Array.isArray(v) ? v : [v]).forEach((x) => x !== null && x !== undefined && x !== '' && flat.add(String(x)));
      out.set(
        f.columnId,
        [...flat].sort().map((v) => ({ value: v, label: v.replace(/_/g, ' ') })),
      );
    }
    return out;
  }, [facets, data]);

  const exportCsv = () => {
    const cols = table.getVisibleLeafColumns().filter((c) => !c.columnDef.meta?.noCsv);
    const header = cols.map((c) => labelOf(c));
    const body = table.getSortedRowModel().rows.map((r) =>
      cols.map((c) => {
        const csv = c.columnDef.meta?.csv as ((row: T) => unknown) | undefined;
        return csv ? csv(r.original) : r.getValue(c.id);
      }),
    );
    downloadText(csvFilename ?? 'export.csv', toCsv(header, body));
  };

  const hidable = table.getAllLeafColumns().filter((c) => c.getCanHide());

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-end gap-2">
        {search ? (
          <div className="min-w-48 flex-1 sm:max-w-xs">
            <label htmlFor={`${baseId}-search`} className="sr-only">
              Search {caption}
            </label>
            <input
              id={`${baseId}-search`}
              type="search"
              value={globalFilter}
              onChange={(e) => {
                setGlobalFilter(e.target.value);
                setPagination((p) => ({ ...p, pageIndex: 0 }));
              }}
              placeholder={searchPlaceholder}
              className="h-9 w-full rounded-md border border-slate-300 bg-white px-3 text-sm shadow-sm placeholder:text-slate-500 focus:border-brand-600 focus:ring-1 focus:ring-brand-600 focus:outline-none"
            />
          </div>
        ) : null}
        {facets.map((f) => {
          const id = `${baseId}-facet-${f.columnId}`;
          const col = table.getColumn(f.columnId);
          const value = (col?.getFilterValue() as string | undefined) ?? '';
          return (
            <div key={f.columnId} className="flex flex-col">
              <label htmlFor={id} className="text-xs font-medium text-slate-700">
                {f.label}
              </label>
              <select
                id={id}
                value={value}
                onChange={(e) => {
                  col?.setFilterValue(e.target.value || undefined);
                  setPagination((p) => ({ ...p, pageIndex: 0 }));
                }}
                className="h-9 rounded-md border border-slate-300 bg-white px-2 pr-8 text-sm shadow-sm focus:border-brand-600 focus:ring-1 focus:ring-brand-600 focus:outline-none"
              >
                <option value="">All</option>
                {(facetOptions.get(f.columnId) ?? []).map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </select>
            </div>
          );
        })}
        <div className="ml-auto flex flex-wrap items-center gap-2">
          {toolbar}
          {columnMenu && hidable.length > 0 ? (
            <div className="relative">
              <Button variant="secondary" size="sm" aria-expanded={showColumns} aria-controls={`${baseId}-cols`} onClick={() => setShowColumns((s) => !s)}>
                Columns
              </Button>
              {showColumns ? (
                <fieldset
                  id={`${baseId}-cols`}
                  className="absolute right-0 z-20 mt-1 max-h-80 w-56 overflow-y-auto rounded-md border border-slate-200 bg-white p-2 shadow-lg"
                  onKeyDown={(e) => {
                    if (e.key === 'Escape') setShowColumns(false);
                  }}
                >
                  <legend className="sr-only">Visible columns</legend>
                  {hidable.map((c) => (
                    <label key={c.id} className="flex items-center gap-2 rounded px-2 py-1 text-sm hover:bg-slate-50">
                      <input type="checkbox" checked={c.getIsVisible()} onChange={c.getToggleVisibilityHandler()} />
                      {labelOf(c)}
                    </label>
                  ))}
                </fieldset>
              ) : null}
            </div>
          ) : null}
          {csvFilename ? (
            <Button variant="secondary" size="sm" onClick={exportCsv} disabled={filteredCount === 0}>
              Export CSV
            </Button>
          ) : null}
        </div>
      </div>

      {/* Focusable and named: a region that may scroll sideways must be reachable by keyboard. */}
      <div className="relative overflow-x-auto rounded-lg border border-slate-200 bg-white" tabIndex={0} role="region" aria-label={caption}>
        <table className="w-full border-collapse text-sm" data-testid={testId}>
          <caption className={showCaption ? 'px-3 py-2 text-left text-sm font-medium text-slate-700' : 'sr-only'}>{caption}</caption>
          <thead className="bg-slate-50">
            {table.getHeaderGroups().map((hg) => (
              <tr key={hg.id}>
                {hg.headers.map((header) => {
                  const col = header.column;
                  const meta = col.columnDef.meta;
                  const sortable = col.getCanSort();
                  const dir = col.getIsSorted();
                  return (
                    <th
                      key={header.id}
                      scope="col"
                      aria-sort={dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : sortable ? 'none' : undefined}
                      className={headerClass(meta, 1)}
                    >
                      {header.isPlaceholder ? null : sortable ? (
                        <button
                          type="button"
                          onClick={col.getToggleSortingHandler()}
                          className={cn('inline-flex items-center gap-1 rounded uppercase hover:text-slate-950', meta?.align === 'right' && 'flex-row-reverse')}
                        >
                          <table.FlexRender header={header} />
                          <SortMark dir={dir} />
                        </button>
                      ) : (
                        <table.FlexRender header={header} />
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
                <td colSpan={Math.max(1, visibleLeaf.length)} className="px-3 py-10 text-center text-sm text-slate-600">
                  {data.length === 0 ? (empty ?? 'Nothing here yet.') : 'No rows match the filters.'}
                </td>
              </tr>
            ) : (
              rows.map((row) => (
                <tr key={row.id} className={cn('border-b border-slate-100 last:border-0 hover:bg-slate-50', rowClassName?.(row.original))}>
                  {row.getVisibleCells().map((cell) => {
                    const meta = cell.column.columnDef.meta;
                    return (
                      <td key={cell.id} data-col={cell.column.id} className={cellClass(meta, 1)}>
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

      <div className="flex flex-wrap items-center justify-between gap-2 text-sm text-slate-700">
        <p aria-live="polite">
          {filteredCount === data.length ? `${data.length} ${data.length === 1 ? 'row' : 'rows'}` : `${filteredCount} of ${data.length} rows`}
        </p>
        {filteredCount > pagination.pageSize ? (
          <nav aria-label={`${caption} pages`} className="flex items-center gap-2">
            <Button variant="secondary" size="sm" onClick={() => table.previousPage()} disabled={!table.getCanPreviousPage()}>
              Previous
            </Button>
            <span>
              Page {pagination.pageIndex + 1} of {pageCount}
            </span>
            <Button variant="secondary" size="sm" onClick={() => table.nextPage()} disabled={!table.getCanNextPage()}>
              Next
            </Button>
            <label className="sr-only" htmlFor={`${baseId}-size`}>
              Rows per page
            </label>
            <select
              id={`${baseId}-size`}
              value={pagination.pageSize}
              onChange={(e) => setPagination({ pageIndex: 0, pageSize: Number(e.target.value) })}
              className="h-8 rounded-md border border-slate-300 bg-white px-2 text-sm"
            >
              {[10, 25, 50, 100].map((n) => (
                <option key={n} value={n}>
                  {n} / page
                </option>
              ))}
            </select>
          </nav>
        ) : null}
      </div>
    </div>
  );
}
