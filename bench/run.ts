// npm run bench: analyzer throughput over the Go standard library, editor-style per-file latency,
// edit -> diagnostics through the language server (bench/lsp.ts), peak memory, our time on net/...
// (cold and with the result cache) next to go vet and bodyclose, and the socket collector figures.
// Results are compared with a named baseline in bench/baselines/<name>.json
// (BENCH_BASELINE=name, default "reference"; BENCH_SAVE=name writes one).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { analyzeFiles, ensureReady } from '../src/analysis/engine';
import { collectGoFiles } from '../src/analysis/files';
import { analyzeDirs } from '../src/analysis/pool';
import { groupByDir } from '../src/analysis/project';
import { createParser, parseGo } from '../src/analysis/parser';
import { runLspBench } from './lsp';
import { runVsCodeHostBench } from './vscodehost';

type Numbers = Record<string, number | string | null>;
const results: Record<string, Numbers> = {};

function pct(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function time(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): number | null {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: 'ignore' });
  if (r.error) return null;
  return (performance.now() - t0) / 1000;
}

async function analyzerThroughput(goroot: string): Promise<void> {
  const files = collectGoFiles([join(goroot, 'src')], { tests: true }).files;
  const groups = groupByDir(files);
  const worker = join(__dirname, '..', 'dist', 'worker.js');
  if (!existsSync(worker)) throw new Error('dist/worker.js missing: run npm run build');
  const threads = availableParallelism();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  // No result cache: this measures analysis, not the cache.
  const res = await analyzeDirs(groups, { includeGenerated: true }, { threads, workerPath: worker, cache: null });
  const secs = (performance.now() - t0) / 1000;
  // CPU of the whole process (worker threads included): on a shared machine, wall time measures the load.
  const cpu = process.cpuUsage(cpu0);
  const cpuSecs = (cpu.user + cpu.system) / 1e6;
  const bytes = res.reduce((n, r) => n + r.bytes, 0);
  const findings = res.reduce((n, r) => n + r.findings.length, 0);
  const errors = res.reduce((n, r) => n + r.errors.length, 0);
  const mb = bytes / 1048576;
  const parsed = res.reduce((n, r) => n + (r.parsedBytes ?? 0), 0) / 1048576;
  results.stdlib = {
    files: res.reduce((n, r) => n + r.files, 0),
    MB: +mb.toFixed(1),
    'MB parsed (rest ruled out by import pre-check)': +parsed.toFixed(1),
    seconds: +secs.toFixed(2),
    'MB/s': +(mb / secs).toFixed(2),
    'CPU seconds': +cpuSecs.toFixed(2),
    'MB/s per CPU-second x threads (effective on idle cores)': +((mb / cpuSecs) * threads).toFixed(2),
    threads,
    findings,
    skipped: errors,
    'peak RSS MB': Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

async function parseOnly(goroot: string): Promise<void> {
  await ensureReady();
  const files = collectGoFiles([join(goroot, 'src', 'net')], { tests: true }).files.slice(0, 400);
  const texts = files.map((f) => readFileSync(f, 'utf8'));
  const mb = texts.reduce((n, t) => n + Buffer.byteLength(t), 0) / 1048576;
  const parser = createParser();
  let t0 = performance.now();
  for (const t of texts) parser.parse(t)?.delete();
  const wasm = (performance.now() - t0) / 1000;
  t0 = performance.now();
  for (const t of texts) parseGo(t, null, { keepWasm: false });
  const mirror = (performance.now() - t0) / 1000;
  results.parse = {
    files: files.length,
    MB: +mb.toFixed(1),
    'WASM parse MB/s (1 thread)': +(mb / wasm).toFixed(2),
    'parse + JS mirror MB/s (1 thread)': +(mb / mirror).toFixed(2),
  };
  parser.delete();
}

async function editorLatency(goroot: string): Promise<void> {
  await ensureReady();
  const dir = join(goroot, 'src', 'net', 'http');
  const files = collectGoFiles([dir]).files.filter((f) => !f.includes('/testdata/') && join(f, '..') === dir);
  const sources = files.map((p) => ({ path: p, text: readFileSync(p, 'utf8') }));
  // The editor keeps sibling trees parsed; measure one file's parse + facts + all rules.
  const siblings = sources.map((s) => ({ ...s, tree: parseGo(s.text) }));
  const lat: number[] = [];
  for (let round = 0; round < 2; round++) {
    for (let i = 0; i < sources.length; i++) {
      const others = siblings.filter((_, j) => j !== i);
      const t0 = performance.now();
      analyzeFiles([sources[i]], others, {});
      lat.push(performance.now() - t0);
    }
  }
  lat.sort((a, b) => a - b);
  const big = sources.reduce((m, s) => (s.text.length > m.text.length ? s : m));
  results.editorLatency = {
    package: 'net/http (files analysed one at a time, siblings pre-parsed)',
    samples: lat.length,
    'p50 ms': +pct(lat, 50).toFixed(1),
    'p95 ms': +pct(lat, 95).toFixed(1),
    'p99 ms': +pct(lat, 99).toFixed(1),
    'max ms': +lat[lat.length - 1].toFixed(1),
    'largest file': `${big.path.split('/').pop()} (${Math.round(big.text.length / 1024)} KB)`,
  };
  for (const s of siblings) s.tree.delete();
}

async function versusOthers(goroot: string): Promise<void> {
  const src = join(goroot, 'src');
  const cli = join(__dirname, '..', 'dist', 'cli.js');
  // Cold: an empty result cache; then the same run again over unchanged code.
  const cache = mkdtempSync(join(tmpdir(), 'conndoctor-cache-'));
  const env = { ...process.env, CONNDOCTOR_CACHE: cache };
  const ours = time(process.execPath, [cli, '--format', 'json', 'net/...'], { cwd: src, env });
  const oursCached = time(process.execPath, [cli, '--format', 'json', 'net/...'], { cwd: src, env });
  rmSync(cache, { recursive: true, force: true });
  const cold = mkdtempSync(join(tmpdir(), 'gocache-'));
  const vetCold = time('go', ['vet', 'net/...'], { cwd: src, env: { ...process.env, GOCACHE: cold, GOFLAGS: '' } });
  rmSync(cold, { recursive: true, force: true });
  time('go', ['vet', 'net/...'], { cwd: src });
  const vetCached = time('go', ['vet', 'net/...'], { cwd: src });
  const gobin = execFileSync('go', ['env', 'GOPATH'], { encoding: 'utf8' }).trim() + '/bin/bodyclose';
  let bodyclose: number | null = null;
  let bodycloseCold: number | null = null;
  if (existsSync(gobin)) {
    const cold2 = mkdtempSync(join(tmpdir(), 'gocache-'));
    bodycloseCold = time(gobin, ['net/...'], { cwd: src, env: { ...process.env, GOCACHE: cold2 } });
    rmSync(cold2, { recursive: true, force: true });
    bodyclose = time(gobin, ['net/...'], { cwd: src });
  }
  const r = (x: number | null) => (x === null ? null : +x.toFixed(2));
  const ratio = (x: number | null) => (x === null || ours === null ? null : +(ours / x).toFixed(2));
  results.netVsOthers = {
    'conndoctor s (all rules, net/...)': r(ours),
    'conndoctor cached s (unchanged net/...)': r(oursCached),
    'go vet cold s': r(vetCold),
    'go vet cached s': r(vetCached),
    'bodyclose cold s': r(bodycloseCold),
    'bodyclose cached s': r(bodyclose),
    'ours / vet cold': ratio(vetCold),
    'ours / vet cached': ratio(vetCached),
    'ours cached / vet cached': oursCached === null || vetCached === null ? null : +(oursCached / vetCached).toFixed(2),
    'ours / bodyclose cold': ratio(bodycloseCold),
    'ours / bodyclose cached': ratio(bodyclose),
  };
}

/**
 * The adversarial shapes (test/fuzz/shapes.ts) at 64 KB and 2 MB, with the budgets users get: the
 * worst time one file costs, and how each shape's time grows with size (exponent 1 = linear).
 */
async function adversarialFiles(): Promise<void> {
  if (process.env.BENCH_SKIP_ADVERSARIAL) return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { adversarial } = require('./adversarial') as typeof import('./adversarial');
  const rows = await adversarial({ kb: [64, 2048] });
  const worst = rows.reduce((a, b) => (b.wallMs > a.wallMs ? b : a));
  const out: Numbers = {
    shapes: rows.length / 2,
    'worst file ms (wall)': worst.wallMs,
    'worst file ms (CPU)': worst.cpuMs,
    'worst file': `${worst.shape} ${worst.KB} KB (${worst.outcome})`,
    'files over 1 s (wall)': rows.filter((r) => r.wallMs > 1000).length,
    'files cut by a budget': rows.filter((r) => r.outcome !== 'ok').length,
  };
  for (const r of rows.filter((x) => x.KB > 1024)) {
    const small = rows.find((x) => x.shape === r.shape && x.KB < 1024)!;
    const growth = Math.log(Math.max(1, r.cpuMs) / Math.max(1, small.cpuMs)) / Math.log(r.KB / small.KB);
    out[`${r.shape} 2 MB ms (CPU)`] = `${r.cpuMs}${r.outcome === 'ok' ? '' : ` ${r.outcome}`}, exponent ${growth.toFixed(2)}`;
  }
  results.adversarial = out;
}

async function collector(): Promise<void> {
  const p = join(__dirname, 'collector.ts');
  if (!existsSync(p) || process.env.BENCH_SKIP_COLLECTOR) return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require('./collector') as { runCollectorBench?: () => Promise<Record<string, unknown>> };
  if (mod.runCollectorBench) results.collector = (await mod.runCollectorBench()) as Numbers;
}

async function watchStream(): Promise<void> {
  if (process.env.BENCH_SKIP_COLLECTOR) return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require('./watch') as { runWatchBench: () => Promise<Record<string, unknown>> };
  results.watch = (await mod.runWatchBench()) as Numbers;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const view = require('./viewhost') as { runViewHostBench: () => Promise<Record<string, unknown>> };
  results.viewHost = (await view.runViewHostBench()) as Numbers;
}

async function webview(): Promise<void> {
  if (process.env.BENCH_SKIP_COLLECTOR || process.env.BENCH_SKIP_WEBVIEW) return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require('./webview') as { runWebviewBench: () => Promise<Record<string, unknown>> };
  results.webview = (await mod.runWebviewBench()) as Numbers;
}

function compare(name: string): void {
  const file = join(__dirname, 'baselines', `${name}.json`);
  if (!existsSync(file)) {
    console.log(`\n(no baseline "${name}" in bench/baselines; BENCH_SAVE=${name} npm run bench writes one)`);
    return;
  }
  const base = JSON.parse(readFileSync(file, 'utf8')) as { results: Record<string, Numbers>; machine?: string };
  console.log(`\nAgainst baseline "${name}" (${base.machine ?? 'unknown machine'}):`);
  for (const [section, nums] of Object.entries(results)) {
    for (const [k, v] of Object.entries(nums)) {
      const b = base.results?.[section]?.[k];
      if (typeof v === 'number' && typeof b === 'number' && b !== 0) {
        const d = ((v - b) / b) * 100;
        console.log(`  ${section}.${k}: ${v} (baseline ${b}, ${d >= 0 ? '+' : ''}${d.toFixed(1)}%)`);
      }
    }
  }
}

async function main(): Promise<void> {
  const goroot = execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim();
  const machine = `${cpus().length}x ${cpus()[0]?.model ?? '?'}, node ${process.version}, ${execFileSync('go', ['version'], { encoding: 'utf8' }).trim()}`;
  console.log(`Go Conn Doctor bench — ${machine}\n`);
  await analyzerThroughput(goroot);
  // BENCH_ONLY=stdlib: just the throughput figure (the other sections take minutes under load).
  if (process.env.BENCH_ONLY !== 'stdlib') await rest(goroot);
  report(machine);
}

async function rest(goroot: string): Promise<void> {
  await parseOnly(goroot);
  await editorLatency(goroot);
  // Editor latency through the language server, with a real LSP client (bench/lsp.ts).
  if (!process.env.BENCH_SKIP_LSP) Object.assign(results, await runLspBench());
  // The extension host while typing, in a real VS Code (code-server; slow to start: opt-in).
  if (process.env.BENCH_VSCODE) Object.assign(results, await runVsCodeHostBench());
  if (!process.env.BENCH_SKIP_OTHERS) await versusOthers(goroot);
  await adversarialFiles();
  await collector();
  await watchStream();
  await webview();
}

function report(machine: string): void {
  for (const [section, nums] of Object.entries(results)) {
    console.log(`${section}`);
    for (const [k, v] of Object.entries(nums)) {
      // Tables (collector rows) were printed by their section already.
      if (v !== null && typeof v === 'object') continue;
      console.log(`  ${k.padEnd(36)} ${typeof v === 'number' && !Number.isInteger(v) ? +v.toFixed(2) : v}`);
    }
  }
  const target = results.stdlib?.['MB/s'];
  if (typeof target === 'number')
    console.log(`\nstdlib throughput ${target} MB/s (target >= 6 MB/s on 2 cores): ${target >= 6 ? 'met' : 'NOT met'}`);
  compare(process.env.BENCH_BASELINE ?? 'reference');
  if (process.env.BENCH_SAVE) {
    writeFileSync(
      join(__dirname, 'baselines', `${process.env.BENCH_SAVE}.json`),
      `${JSON.stringify({ machine, date: new Date().toISOString(), results }, null, 2)}\n`,
    );
    console.log(`saved baseline ${process.env.BENCH_SAVE}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
