/**
 * Server-side lists: the view's state (search, filters, sort, page) lives in the URL, the server
 * reads one page in key order, and the next page starts after the last row's key (keyset
 * pagination: page 5,000 costs what page 1 costs, unlike OFFSET). The cursor is opaque to the
 * browser (lib/platform/cursor.ts): the sort value and id of the last row shown.
 */
import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Queryable } from '../db/client';
import { isUuid } from '../db/tenant';
import { decodeCursor as decodePlatformCursor, encodeCursor as encodePlatformCursor } from '../platform/cursor';

export const PAGE_SIZES = [25, 50, 100] as const;
export const DEFAULT_PAGE_SIZE = 50;

export type SortDir = 'asc' | 'desc';

export interface Page<T> {
  rows: T[];
  /** Cursor of the page after this one; null on the last page. */
  next: string | null;
  /** Page size used. */
  limit: number;
}

/** The cursor of the row a page ended on: its sort value and id (lib/platform/cursor.ts encoding). */
export function encodeCursor(sortValue: string | number | null, id: string): string {
  return encodePlatformCursor({ k: sortValue, id });
}

/** [sortValue, id], or null when absent or garbled (a garbled cursor restarts at page 1). */
export function decodeCursor(cursor: string | null | undefined): [string | number | null, string] | null {
  if (!cursor || cursor.length > 500) return null;
  const v = decodePlatformCursor(cursor);
  if (!v || typeof v.id !== 'string' || !('k' in v)) return null;
  return [v.k ?? null, v.id];
}

const one = (v: unknown) => (Array.isArray(v) ? v[0] : v);
const blank = (v: unknown) => {
  const x = one(v);
  return typeof x === 'string' && x.trim() === '' ? undefined : x;
};

/** The common URL parameters of a list: q, sort, dir, cursor, limit. Unknown values fall back to
 * defaults rather than failing the page (a shared link from an older version still opens). */
export function listParamsSchema<S extends readonly [string, ...string[]]>(sorts: S, defaultSort: S[number], defaultDir: SortDir = 'desc') {
  return z.object({
    q: z.preprocess(blank, z.string().trim().max(200).optional()).catch(undefined),
    sort: z.preprocess(blank, z.enum(sorts).default(defaultSort as never)).catch(defaultSort as never),
    dir: z.preprocess(blank, z.enum(['asc', 'desc']).default(defaultDir)).catch(defaultDir),
    cursor: z.preprocess(blank, z.string().max(500).optional()).catch(undefined),
    limit: z
      .preprocess((v) => (blank(v) === undefined ? undefined : Number(one(v))), z.literal(PAGE_SIZES).default(DEFAULT_PAGE_SIZE))
      .catch(DEFAULT_PAGE_SIZE),
  });
}

/** A page from `limit + 1` fetched rows: the extra row only says there is a next page. */
export function toPage<T>(rows: T[], limit: number, keyOf: (row: T) => [string | number | null, string]): Page<T> {
  const has = rows.length > limit;
  const shown = has ? rows.slice(0, limit) : rows;
  const last = shown[shown.length - 1];
  return { rows: shown, next: has && last ? encodeCursor(...keyOf(last)) : null, limit };
}

/** How the cursor's sort value is read back in SQL (a fixed list: never text from the URL). */
type KeysetCast = 'timestamptz' | 'text' | 'numeric' | 'bigint';

/**
 * The condition that starts a page after the cursor's row: `(col, id) < (value, id)` descending,
 * `>` ascending, so ties on the sort value are broken by id and no row repeats or goes missing
 * across pages. Null when there is no (valid) cursor: page 1. Timestamps must be sent in the
 * cursor as `col::text` (microseconds), not through a JS Date (milliseconds).
 */
export function afterCursor(cursor: string | null | undefined, col: SQL, id: SQL, dir: SortDir, cast: KeysetCast): SQL | null {
  const c = decodeCursor(cursor);
  if (!c || c[0] === null || !isUuid(c[1])) return null;
  return sql`(${col}, ${id}) ${dir === 'asc' ? sql`>` : sql`<`} (${String(c[0])}::${sql.raw(cast)}, ${c[1]}::uuid)`;
}

/** Escapes LIKE wildcards in a user's search text. */
export function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Reads a Next.js searchParams object into a plain record of strings. */
export function plainParams(sp: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(sp)) {
    const x = Array.isArray(v) ? v[0] : v;
    if (typeof x === 'string' && x !== '') out[k] = x;
  }
  return out;
}

/** Runs one page's query in its own transaction (withPlatform / withTenant): a streamed export
 * outlives any single transaction, so each page opens and closes its own. */
export type PageRunner = <R>(fn: (q: Queryable) => Promise<R>) => Promise<R>;

/** Every row of a filtered list, page by page, for streamed exports. */
export async function* allPages<T, P extends { cursor?: string | undefined }>(
  run: PageRunner,
  params: P,
  fetch: (q: Queryable, p: P) => Promise<Page<T>>,
): AsyncGenerator<T> {
  let cursor = params.cursor;
  for (;;) {
    const page = await run((q) => fetch(q, { ...params, cursor }));
    yield* page.rows;
    if (!page.next) return;
    cursor = page.next;
  }
}
