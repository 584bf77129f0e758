/** Reads the first markdown table under a heading of docs/*.md. */
import fs from 'node:fs';
import path from 'node:path';

export function readDoc(name: string): string {
  return fs.readFileSync(path.resolve(__dirname, '../../docs', name), 'utf8');
}

export function tableUnder(markdown: string, heading: string): { header: string[]; rows: string[][] } {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => /^#{1,6}\s/.test(l) && l.replace(/^#+\s*/, '').trim() === heading);
  if (start < 0) throw new Error(`heading not found: ${heading}`);
  const cells = (l: string) =>
    l
      .trim()
      .replace(/^\|/, '')
      .replace(/\|$/, '')
      .split('|')
      .map((c) => c.trim().replace(/^`|`$/g, ''));
  let i = start + 1;
  while (i < lines.length && !lines[i]!.trim().startsWith('|')) {
    if (/^#{1,6}\s/.test(lines[i]!)) throw new Error(`no table under: ${heading}`);
    i++;
  }
  const header = cells(lines[i]!);
  const rows: string[][] = [];
  for (i += 2; i < lines.length && lines[i]!.trim().startsWith('|'); i++) rows.push(cells(lines[i]!));
  return { header, rows };
}
