/**
 * Streamed CSV export of a whole filtered list: rows are read a page at a time (keyset) and
 * written as they come, so a 100,000-row export never sits in memory and the first bytes leave
 * at once. Cells are escaped by the one CSV writer (lib/billing/csv.ts: RFC 4180 + formula guard).
 */
import { csvCell } from '../billing/csv';

export interface CsvColumn<T> {
  header: string;
  value: (row: T) => unknown;
}

export function csvStreamResponse<T>(rows: AsyncIterable<T>, columns: CsvColumn<T>[], filename: string, requestId?: string): Response {
  const enc = new TextEncoder();
  const line = (cells: unknown[]) => enc.encode(cells.map(csvCell).join(',') + '\r\n');
  const it = rows[Symbol.asyncIterator]();
  let headerSent = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(line(columns.map((c) => c.header)));
      }
      // Up to 500 rows per pull: fewer, larger chunks.
      const parts: Uint8Array[] = [];
      for (let i = 0; i < 500; i++) {
        const n = await it.next();
        if (n.done) {
          for (const p of parts) controller.enqueue(p);
          controller.close();
          return;
        }
        parts.push(line(columns.map((c) => c.value(n.value))));
      }
      for (const p of parts) controller.enqueue(p);
    },
    async cancel() {
      await it.return?.();
    },
  });
  return new Response(body, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${filename}"`,
      'cache-control': 'no-store',
      ...(requestId ? { 'x-request-id': requestId } : {}),
    },
  });
}
