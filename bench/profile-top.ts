/**
 * Prints where a V8 CPU profile spent its time: self time by function (top N) and inclusive time
 * by module file, e.g. for bench/results/gateway-cpu.cpuprofile (npm run bench:cpu -- --profile).
 *   npx tsx bench/profile-top.ts bench/results/gateway-cpu.cpuprofile [N]
 */
import fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
const file = process.argv[2] ?? 'bench/results/gateway-cpu.cpuprofile';
const topN = Number(process.argv[3] ?? 30);
const p = JSON.parse(fs.readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const selfTime = new Map<number, number>();
p.samples.forEach((s, i) => selfTime.set(s, (selfTime.get(s) ?? 0) + (p.timeDeltas[i] ?? 0)));
const idle = new Set(['(idle)', '(program)', '(garbage collector)']);
let total = 0;
for (const [id, t] of selfTime) if (!idle.has(byId.get(id)!.callFrame.functionName)) total += t;
const short = (url: string) =>
  url
    .replace(/^file:\/\//, '')
    .replace(/.*node_modules\//, '')
    .replace(/.*\/(lib|bench|tests)\//, '$1/');
const label = (n: ProfileNode) => `${n.callFrame.functionName || '(anonymous)'} ${short(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
const self = new Map<string, number>();
const inclusiveByFile = new Map<string, number>();
for (const [id, t] of selfTime) {
  const n = byId.get(id)!;
  if (idle.has(n.callFrame.functionName)) continue;
  self.set(label(n), (self.get(label(n)) ?? 0) + t);
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const f = short(byId.get(cur)!.callFrame.url) || '(native)';
    if (!seen.has(f)) inclusiveByFile.set(f, (inclusiveByFile.get(f) ?? 0) + t);
    seen.add(f);
  }
}
const pct = (t: number) => `${((t / total) * 100).toFixed(1).padStart(5)}%`;
process.stdout.write(`busy time ${(total / 1000).toFixed(0)} ms\n\nself time, top ${topN}:\n`);
for (const [k, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, topN)) process.stdout.write(`${pct(t)}  ${k}\n`);
process.stdout.write(`\ninclusive time by file, top ${topN}:\n`);
for (const [k, t] of [...inclusiveByFile].sort((a, b) => b[1] - a[1]).slice(0, topN)) process.stdout.write(`${pct(t)}  ${k}\n`);
