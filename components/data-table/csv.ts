/** RFC 4180 CSV: quote fields with commas, quotes or newlines; guard against formula injection. */
export function csvEscape(value: unknown): string {
  if (value === null || value === undefined) return '';
  let s = typeof value === 'string' ? value : Array.isArray(value) ? value.join('; ') : String(value);
  // A cell starting with = + - @ is executed by spreadsheets: prefix with ' (numbers are exempt).
  if (/^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: string[], rows: unknown[][]): string {
  return [header, ...rows].map((r) => r.map(csvEscape).join(',')).join('\r\n') + '\r\n';
}

/** Save a string as a file in the browser. */
export function downloadText(filename: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const blob = new Blob([text], { type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
