// Editor latency through a real LSP client (test/helpers/lspClient.ts driving dist/cli.js lsp
// --stdio, pull diagnostics as VS Code does): edit -> diagnostics on net/http's largest files,
// and the server's memory after opening every file of net/http.
// Standalone: `node --import tsx bench/lsp.ts`; part of `npm run bench`.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectGoFiles } from '../src/analysis/files';
import { LspClient } from '../test/helpers/lspClient';

type Numbers = Record<string, number | string | null>;

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const r1 = (x: number) => Math.round(x * 10) / 10;

/**
 * CPU time (user + system, ms) of process `pid` so far, from /proc (Linux; null elsewhere): the
 * server's own work, which wall-clock latency on a loaded machine does not show.
 */
function processCpuMs(pid: number): number | null {
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    return ((Number(f[11]) + Number(f[12])) * 1000) / ticks;
  } catch {
    return null;
  }
}

/** Opens `path`, then inserts a comment line at `edits` places spread over it, pulling after each. */
async function editLatency(
  client: LspClient,
  path: string,
  edits: number,
  pid: number,
): Promise<{ open: number; times: number[]; lines: number; cpuPerEdit: number | null }> {
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n');
  let t0 = performance.now();
  const uri = client.open(path, text);
  await client.diagnostics(uri);
  const open = performance.now() - t0;
  const cpu0 = processCpuMs(pid);
  const times: number[] = [];
  let current = lines.length;
  for (let i = 0; i < edits; i++) {
    // An incremental change, as an editor sends a keystroke's worth of text.
    const at = Math.floor((lines.length * (i + 1)) / (edits + 2)) + i;
    t0 = performance.now();
    client.change(uri, i + 2, [{ range: { start: { line: at, character: 0 }, end: { line: at, character: 0 } }, text: `// edit ${i}\n` }]);
    await client.diagnostics(uri);
    times.push(performance.now() - t0);
    current++;
  }
  const cpu1 = processCpuMs(pid);
  client.close(uri);
  times.sort((a, b) => a - b);
  return { open, times, lines: current - edits, cpuPerEdit: cpu0 !== null && cpu1 !== null ? (cpu1 - cpu0) / edits : null };
}

export async function runLspBench(): Promise<Record<string, Numbers>> {
  const goroot = execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim();
  const http = join(goroot, 'src', 'net', 'http');
  const out: Record<string, Numbers> = {};
  // h2_bundle.go is generated (bundled from x/net): analyze it as a user who opened it would want.
  const client = await LspClient.start({ root: join(goroot, 'src'), settings: { includeGenerated: true } });
  try {
    const { pid } = await client.status();
    for (const [name, edits] of [
      ['transport.go', 20],
      ['server.go', 20],
      ['h2_bundle.go', 20],
    ] as const) {
      const r = await editLatency(client, join(http, name), edits, pid);
      out[`lsp ${name}`] = {
        lines: r.lines,
        'open -> diagnostics ms': r1(r.open),
        'edit -> diagnostics p50 ms': r1(pct(r.times, 50)),
        'edit -> diagnostics p95 ms': r1(pct(r.times, 95)),
        'edit -> diagnostics max ms': r1(r.times[r.times.length - 1]),
        'server CPU per edit ms': r.cpuPerEdit === null ? null : r1(r.cpuPerEdit),
      };
    }
    // Every Go file of net/http open, as after a long day in the package.
    const files = collectGoFiles([http], { tests: true }).files.filter((f) => join(f, '..') === http);
    const t0 = performance.now();
    for (const f of files) await client.diagnostics(client.open(f, readFileSync(f, 'utf8')));
    const st = await client.status();
    out['lsp memory'] = {
      'files open (net/http, tests included)': files.length,
      'open all -> diagnostics s': r1((performance.now() - t0) / 1000),
      'server RSS MB': Math.round(st.memory.rss / 1048576),
      'analysis worker JS heap MB': st.analysis?.heapUsedMb ?? null,
      'open documents keeping a tree': st.analysis
        ? `${st.analysis.trees} (${Math.round(st.analysis.treeChars / 1024)} KB of source)`
        : null,
      'worker restarts': st.timings.workerRestarts as number,
    };
  } finally {
    await client.stop().catch(() => client.kill());
  }
  return out;
}

if (require.main === module) {
  void runLspBench().then((r) => {
    for (const [section, nums] of Object.entries(r)) {
      console.log(section);
      for (const [k, v] of Object.entries(nums)) console.log(`  ${k.padEnd(40)} ${v}`);
    }
  });
}
