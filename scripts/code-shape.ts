/**
 * Shape figures for a tree, kept so before/after can be measured the same way each time:
 * the largest files under lib/ (catalog data aside), functions longer than 80 and 120 lines
 * (TypeScript compiler API: declarations, methods, arrows and function expressions, counted
 * from their first to their last line), and `console.*` calls in lib/ outside tests.
 *
 * With --conventions: how exported async functions outside lib/gateway take their arguments, by
 * the rule in docs/architecture.md ("Domain verbs"): verbs `({ ctx, input })`, reads `(q, ...)` (a
 * Queryable/transaction first), helpers positional; and the violations of that rule: a database
 * handle after the first parameter (`(args, db?)`, `(id, db?)`), or who is acting passed beside
 * `{ ctx }` (a context, actor or request-meta parameter, or an `actor`/`meta` field). The exit
 * code is 1 when there is a violation.
 *
 *   npx tsx scripts/code-shape.ts [dir=lib] [--list] [--conventions]
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const args = process.argv.slice(2);
const list = args.includes('--list');
const conventions = args.includes('--conventions');
const conv: Record<string, string[]> = { '({ ctx, input })': [], '(q, …)': [], positional: [] };
const violations: string[] = [];
const root = args.find((a) => !a.startsWith('--')) ?? 'lib';

const HANDLE_NAME = /^(db|tx|q|handle|database)$/;
const HANDLE_TYPE = /\b(Queryable|Tx|Db|DbHandle)\b/;
const WHO_TYPE = /\b(AdminContext|TenantContext|SystemContext|OperatorContext|AnyContext|TenantActor|RequestMeta|Meta)\b/;
const WHO_NAME = /^(ctx|actor|meta)$/;

const bindings = (p: ts.ParameterDeclaration, sf: ts.SourceFile): string[] =>
  ts.isObjectBindingPattern(p.name) ? p.name.elements.map((e) => (e.propertyName ?? e.name).getText(sf)) : [];

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
      // lib/db holds the doors themselves (withTenant/withPlatform take the handle last, optional).
      const v = file.includes(`lib${path.sep}db${path.sep}`) ? null : violation(node, sf);
      if (v) violations.push(`${file}:${node.name.text}: ${v.replace(/\s+/g, ' ')}`);
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
  const [first] = fn.parameters;
  if (!first) return 'positional';
  if (bindings(first, sf).includes('ctx')) return '({ ctx, input })';
  if (HANDLE_NAME.test(first.name.getText(sf)) || HANDLE_TYPE.test(first.type?.getText(sf) ?? '')) return '(q, …)';
  return 'positional';
}

/** Why a function breaks the rule, or null. A step that runs inside its caller's transaction
 * (a handle first) may take the caller's context after it. */
function violation(fn: ts.FunctionDeclaration, sf: ts.SourceFile): string | null {
  const inTransaction = convention(fn, sf) === '(q, …)';
  for (const [i, p] of fn.parameters.entries()) {
    const name = p.name.getText(sf);
    const type = p.type?.getText(sf) ?? '';
    // (A callback that is given a handle, `(q: Queryable) => ...`, is not a handle.)
    if (i > 0 && (HANDLE_NAME.test(name) || (HANDLE_TYPE.test(type) && !type.includes('=>'))))
      return `a database handle as parameter ${i + 1} (reads take it first; verbs take { ctx, input })`;
    const fields = bindings(p, sf);
    if (fields.includes('ctx') || inTransaction) continue;
    if (WHO_NAME.test(name) || WHO_TYPE.test(type)) return `who is acting passed as parameter ${i + 1} (${name}), not as { ctx, input }`;
    const who = fields.find((f) => f === 'actor' || f === 'meta');
    if (who) return `who is acting passed as the field \`${who}\`, not as ctx`;
  }
  return null;
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
  console.log(`violations of the calling convention: ${violations.length}`);
  for (const v of violations) console.log(`  ${v}`);
  if (violations.length > 0) process.exitCode = 1;
}
if (list) for (const l of long) console.log(`  ${l.lines}\t${l.file}\t${l.name}`);
