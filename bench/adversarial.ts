// Time per file over adversarial shapes (test/fuzz/shapes.ts) at growing sizes up to the 2 MB
// file limit: the curves show whether each stays near-linear, and the worst time is what one
// pathological file costs the language server. Run alone: `npx tsx bench/adversarial.ts`
// (ADV_SHAPES=a,b  ADV_KB=16,64,256  ADV_BUDGET=off to see unbounded costs); `npm run bench` runs
// it too and reports the worst file.
import { analyze, ensureReady } from '../src/analysis/engine';
import { ParseTimeout } from '../src/analysis/limits';
import { parseGo } from '../src/analysis/parser';
import { SHAPES, sizeFor } from '../test/fuzz/shapes';

export interface AdversarialRow {
  shape: string;
  n: number;
  KB: number;
  /** Parse + mirror, ms of CPU. */
  parseMs: number;
  /** Everything (`analyze` with parsing), wall and CPU ms. */
  wallMs: number;
  cpuMs: number;
  outcome: 'ok' | 'parse timeout' | 'budget' | 'nesting' | 'error';
  findings: number;
}

function cpu(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export async function adversarial(
  opts: { shapes?: string[]; kb?: number[]; budget?: boolean; log?: boolean } = {},
): Promise<AdversarialRow[]> {
  await ensureReady();
  const rows: AdversarialRow[] = [];
  const kbs = opts.kb ?? [16, 64, 256, 1024, 2048];
  for (const shape of SHAPES) {
    if (opts.shapes && !opts.shapes.includes(shape.name)) continue;
    for (const kb of kbs) {
      const n = sizeFor(shape, kb * 1024);
      const text = shape.make(n);
      const row: AdversarialRow = {
        shape: shape.name,
        n,
        KB: Math.round(text.length / 1024),
        parseMs: 0,
        wallMs: 0,
        cpuMs: 0,
        outcome: 'ok',
        findings: 0,
      };
      let c0 = cpu();
      try {
        parseGo(text, null, { keepWasm: false });
        row.parseMs = Math.round(cpu() - c0);
      } catch (e) {
        if (!(e instanceof ParseTimeout)) throw e;
        row.parseMs = Math.round(cpu() - c0);
      }
      const w0 = performance.now();
      c0 = cpu();
      try {
        const res = analyze([{ path: `/adversarial/${shape.name}.go`, text }], [], opts.budget === false ? { budgetMs: Infinity } : {});
        row.findings = res.findings.length;
        const inc = res.incomplete[0];
        if (inc) row.outcome = inc.reason === 'parse' ? 'parse timeout' : inc.reason;
      } catch (e) {
        row.outcome = 'error';
        if (opts.log) console.error(`${shape.name} n=${n}: ${(e as Error).stack?.split('\n').slice(0, 4).join(' | ')}`);
      }
      row.wallMs = Math.round(performance.now() - w0);
      row.cpuMs = Math.round(cpu() - c0);
      rows.push(row);
      if (opts.log)
        console.log(
          `${shape.name.padEnd(22)} n=${String(n).padStart(7)} ${String(row.KB).padStart(5)} KB  parse ${String(row.parseMs).padStart(6)} ms  all ${String(row.cpuMs).padStart(6)} ms cpu ${String(row.wallMs).padStart(6)} ms wall  ${row.outcome}${row.findings ? `  ${row.findings} findings` : ''}`,
        );
    }
  }
  return rows;
}

if (require.main === module) {
  const env = process.env;
  adversarial({
    shapes: env.ADV_SHAPES ? env.ADV_SHAPES.split(',') : undefined,
    kb: env.ADV_KB ? env.ADV_KB.split(',').map(Number) : undefined,
    budget: env.ADV_BUDGET !== 'off',
    log: true,
  })
    .then((rows) => {
      const worst = rows.reduce((a, b) => (b.wallMs > a.wallMs ? b : a));
      console.log(`\nworst file: ${worst.shape} ${worst.KB} KB, ${worst.wallMs} ms wall (${worst.cpuMs} ms cpu), ${worst.outcome}`);
    })
    .catch((e) => {
      console.error(e);
      process.exitCode = 1;
    });
}
