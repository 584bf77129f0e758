/** What the client-side and the server-side tables draw alike: header and cell classes (alignment
 * and the screen-width priority of a column) and the sort mark. */
import { cn } from '../ui/cn';

/** 1 always shown; 2 hidden below 768 px; 3 below 1280 px; 4 below 1536 px. */
const PRIORITY_CLASS = { 1: '', 2: 'hidden md:table-cell', 3: 'hidden xl:table-cell', 4: 'hidden 2xl:table-cell' } as const;

interface CellMeta {
  align?: 'left' | 'right' | 'center';
  priority?: 1 | 2 | 3 | 4;
  className?: string;
}

export function headerClass(meta: CellMeta | undefined, defaultPriority: 1 | 2): string {
  return cn(
    'border-b border-slate-200 px-3 py-2 text-xs font-semibold tracking-wide text-slate-700 uppercase',
    meta?.align === 'right' ? 'text-right' : meta?.align === 'center' ? 'text-center' : 'text-left',
    PRIORITY_CLASS[meta?.priority ?? defaultPriority],
  );
}

export function cellClass(meta: CellMeta | undefined, defaultPriority: 1 | 2, extra?: string): string {
  return cn(
    'px-3 py-2 align-top text-slate-800',
    extra,
    meta?.align === 'right' ? 'text-right whitespace-nowrap tabular-nums' : meta?.align === 'center' ? 'text-center' : '',
    PRIORITY_CLASS[meta?.priority ?? defaultPriority],
    meta?.className,
  );
}

/** ▲ / ▼ on the sorted column, ↕ on one that can be sorted. */
export function SortMark({ dir }: { dir: 'asc' | 'desc' | false }) {
  return (
    <span aria-hidden className="text-[10px] text-slate-500">
      {dir === 'asc' ? '▲' : dir === 'desc' ? '▼' : '↕'}
    </span>
  );
}
