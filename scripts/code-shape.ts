/**
 * Shape figures for a tree, kept so before/after can be measured the same way each time:
 * the largest files under lib/ (catalog data aside), functions longer than 80 and 120 lines
 * (TypeScript compiler API: declarations, methods, arrows and function expressions, counted
 * from their first to their last line), and `console.*` calls in lib/ outside tests.
 *
 * With --conventions: how exported async functions (domain verbs) outside lib/gateway take their
 * arguments: `({ ctx, input })`, `(q, ...)` (a Queryable/transaction first), `(args, db?)` (an
 * options object then an optional handle) or anything else (positional).
 *
 *   npx tsx scripts/code-shape.ts [dir=lib] [--list] [--conventions]
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const args = process.argv.slice(2);
const list = args.includes('--list');
const conventions = args.includes('--conventions');
const conv: Record<string, string[]> = { '({ ctx, input })': [], '(q, …)': [], '(args, db?)': [], positional: [] };
const root = args.find((a) => !a.startsWith('--')) ?? 'lib';

function walk(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules' && !e.name.startsWith('.')) walk(p, out);
    } else if (/\.tsx?$/.test(e.name) && !/\.d\.ts$/.test(e.name)) out.push(p);
  }
  return out;
}

const isTest = (f: string) => /\.test\.tsx?$/.test(f);
const files = walk(root).filter((f) => !isTest(f));
const long: { file: string; name: string; lines: number }[] = [];
let consoleCalls = 0;
const sizes: { file: string; lines: number }[] = [];

for (const file of files) {
  const text = fs.readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  if (!file.includes(`catalog${path.sep}data`)) sizes.push({ file, lines: sf.getLineAndCharacterOfPosition(text.length).line + 1 });
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const end = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = end - start + 1;
      if (lines > 80) {
        const n = (node as ts.FunctionLikeDeclaration).name;
        let name = n ? n.getText(sf) : '(anonymous)';
        if (!n && ts.isVariableDeclaration(node.parent)) name = node.parent.name.getText(sf);
        long.push({ file, name, lines });
      }
    }
    if (
      conventions &&
      !file.includes(`lib${path.sep}gateway`) &&
      ts.isFunctionDeclaration(node) &&
      node.name &&
      node.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) &&
      node.modifiers.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword)
    ) {
      conv[convention(node, sf)]!.push(`${file}:${node.name.text}`);
    }
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      ts.isIdentifier(node.expression.expression) &&
      node.expression.expression.text === 'console'
    ) {
      consoleCalls++;
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
}

function convention(fn: ts.FunctionDeclaration, sf: ts.SourceFile): string {
  const [first, second] = fn.parameters;
  if (!first) return 'positional';
  const type = first.type?.getText(sf) ?? '';
  const name = first.name.getText(sf);
  if (ts.isObjectBindingPattern(first.name) && first.name.elements.some((e) => e.name.getText(sf) === 'ctx')) return '({ ctx, input })';
  if (/^(q|tx|db|handle)$/.test(name) || /\b(Queryable|Tx|Db|DbHandle)\b/.test(type)) return '(q, …)';
  if (second && /^(db|tx|q|handle)$/.test(second.name.getText(sf))) return '(args, db?)';
  if (ts.isObjectBindingPattern(first.name) || /^(args|opts|options|input|params)$/.test(name)) return '(args, db?)';
  return 'positional';
}

sizes.sort((a, b) => b.lines - a.lines);
long.sort((a, b) => b.lines - a.lines);
console.log(`files: ${files.length} (tests aside)`);
console.log(
  `largest: ${sizes
    .slice(0, 3)
    .map((s) => `${s.file} ${s.lines}`)
    .join(', ')}`,
);
console.log(`functions > 80 lines: ${long.length}; > 120 lines: ${long.filter((l) => l.lines > 120).length}`);
console.log(`console.* calls: ${consoleCalls}`);
if (conventions) {
  for (const [k, v] of Object.entries(conv)) {
    console.log(`verbs ${k}: ${v.length}`);
    if (list) for (const f of v) console.log(`  ${f}`);
  }
}
if (list) for (const l of long) console.log(`  ${l.lines}\t${l.file}\t${l.name}`);
