/** Opaque list cursors (the `cursor` of `pagination()` in lib/platform/schemas.ts). Server side. */

/** An opaque cursor from the values that position the last row (base64url JSON). */
export function encodeCursor(values: Record<string, string | number | null>): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

/** The values of a cursor from encodeCursor, or null when it is not one. */
export function decodeCursor(cursor: string): Record<string, string | number | null> | null {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, string | number | null>) : null;
  } catch {
    return null;
  }
}
