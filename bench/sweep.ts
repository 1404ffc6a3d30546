// npm run sweep: the analyzer over popular Go modules (fetched through the Go module proxy at the
// versions pinned in bench/corpus/sweep-modules.txt) and GOROOT/src, the way `conndoctor ./...`
// sees them (no _test.go files). Prints findings per rule and MB/s; with --save writes the
// findings (positions relative to each module) so that --diff shows exactly what a change adds
// or removes. Every added finding is triaged in bench/corpus/triage.md.
//
//   node --import tsx bench/sweep.ts [--save bench/corpus/sweep.json] [--diff bench/corpus/sweep.json]
//                                    [--only substring] [--no-goroot] [--threads N]
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { collectGoFiles } from '../src/analysis/files';
import { analyzeDirs } from '../src/analysis/pool';
import { groupByDir } from '../src/analysis/project';

interface Entry {
  /** module@version, or go@<version> for GOROOT/src. */
  module: string;
  file: string;
  line: number;
  rule: string;
  message: string;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i === -1 ? undefined : process.argv[i + 1];
}

function modules(): { module: string; dir: string }[] {
  const list = readFileSync(join(__dirname, 'corpus', 'sweep-modules.txt'), 'utf8')
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean);
  const out: { module: string; dir: string }[] = [];
  for (const m of list) {
    try {
      const info = JSON.parse(execFileSync('go', ['mod', 'download', '-json', m], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
      if (info.Dir) out.push({ module: m, dir: info.Dir });
      else console.error(`${m}: ${info.Error ?? 'no directory'}`);
    } catch (e) {
      console.error(`${m}: go mod download failed: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  if (!process.argv.includes('--no-goroot')) {
    const goroot = execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim();
    const version = execFileSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' }).trim();
    out.push({ module: version, dir: join(goroot, 'src') });
  }
  const only = arg('--only');
  return only ? out.filter((m) => m.module.includes(only)) : out;
}

const key = (e: Entry) => `${e.module}/${e.file}:${e.line} ${e.rule}`;

async function main(): Promise<void> {
  const worker = join(__dirname, '..', 'dist', 'worker.js');
  if (!existsSync(worker)) throw new Error('dist/worker.js missing: run npm run build');
  const threads = Number(arg('--threads') ?? availableParallelism());
  const entries: Entry[] = [];
  const rows: string[] = [];
  let totalMB = 0;
  let totalSecs = 0;
  for (const m of modules()) {
    const groups = groupByDir(collectGoFiles([m.dir]).files);
    const t0 = performance.now();
    // No time budget (findings must not depend on the machine's load) and no result cache.
    const res = await analyzeDirs(groups, { budgetMs: Infinity }, { threads, workerPath: worker, cache: null });
    const secs = (performance.now() - t0) / 1000;
    const mb = res.reduce((n, r) => n + r.bytes, 0) / 1048576;
    totalMB += mb;
    totalSecs += secs;
    let n = 0;
    for (const r of res)
      for (const f of r.findings) {
        n++;
        entries.push({ module: m.module, file: relative(m.dir, f.file), line: f.range.start.line + 1, rule: f.rule, message: f.message });
      }
    rows.push(`${m.module.padEnd(58)} ${mb.toFixed(1).padStart(6)} MB ${secs.toFixed(1).padStart(6)} s ${String(n).padStart(5)} findings`);
  }
  entries.sort((a, b) => key(a).localeCompare(key(b)));
  console.log(rows.join('\n'));
  console.log(`total ${totalMB.toFixed(1)} MB in ${totalSecs.toFixed(1)} s (${(totalMB / totalSecs).toFixed(1)} MB/s, ${threads} threads)`);
  const byRule = new Map<string, number>();
  for (const e of entries) byRule.set(e.rule, (byRule.get(e.rule) ?? 0) + 1);
  console.log(`findings: ${entries.length}`);
  for (const [r, n] of [...byRule].sort()) console.log(`  ${r.padEnd(28)} ${n}`);

  const base = arg('--diff');
  if (base) {
    const old: Entry[] = JSON.parse(readFileSync(base, 'utf8'));
    const oldKeys = new Map(old.map((e) => [key(e), e]));
    const newKeys = new Map(entries.map((e) => [key(e), e]));
    const only = arg('--only');
    const added = entries.filter((e) => !oldKeys.has(key(e)));
    const removed = old.filter((e) => !newKeys.has(key(e)) && (!only || e.module.includes(only)));
    console.log(`\n${added.length} added, ${removed.length} removed against ${base}`);
    for (const e of added) console.log(`+ ${key(e)}\n    ${e.message}`);
    for (const e of removed) console.log(`- ${key(e)}\n    ${e.message}`);
  }
  const save = arg('--save');
  if (save) writeFileSync(save, JSON.stringify(entries, null, 2) + '\n');
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
