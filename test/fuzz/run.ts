// npm run fuzz: a long seeded campaign (test/fuzz/campaign.ts). FUZZ_SEED (default: the time),
// FUZZ_MUTATIONS, FUZZ_PROGRAMS, FUZZ_SHAPE_KB (4,64,512: the adversarial shapes at these sizes;
// fixes are judged by gofmt -e for inputs up to 20 KB). Prints the counts the issue asks for
// and writes every crash and every rejected fix output to test-results/fuzz/ to reproduce.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureReady } from '../../src/analysis/engine';
import { haveGofmt } from '../unit/helpers/gocheck';
import { inputs, runCampaign } from './campaign';

async function main(): Promise<void> {
  await ensureReady();
  const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1e9);
  const mutations = Number(process.env.FUZZ_MUTATIONS ?? 3000);
  const programs = Number(process.env.FUZZ_PROGRAMS ?? 3000);
  if (!haveGofmt()) console.log('gofmt not found: fix outputs are not judged');
  const t0 = performance.now();
  const shapeKb = (process.env.FUZZ_SHAPE_KB ?? '4,64,512').split(',').map(Number);
  const all = inputs(seed, { mutations, programs, shapeKb });
  const r = runCampaign(all);
  const secs = (performance.now() - t0) / 1000;
  const out = join(__dirname, '..', '..', 'test-results', 'fuzz');
  mkdirSync(out, { recursive: true });
  r.crashes.forEach((c, i) => writeFileSync(join(out, `crash-${seed}-${i}.txt`), `${c.input}\n\n${c.error}\n`));
  r.rejected.forEach((x, i) =>
    writeFileSync(join(out, `rejected-${seed}-${i}.go`), `// ${x.input}: ${x.fix}\n// gofmt -e: ${x.error}\n${x.output}`),
  );
  console.log(`fuzz campaign, seed ${seed}, ${secs.toFixed(0)} s`);
  console.log(`  inputs                          ${r.inputs} (${r.validInputs} accepted by gofmt -e)`);
  console.log(`  findings                        ${r.findings}`);
  console.log(`  crashes                         ${r.crashes.length}`);
  console.log(`  parse cancelled (too complex)   ${r.parseTimeouts}`);
  console.log(`  rule budget hits                ${r.budgetHits}`);
  console.log(`  rules skipped for nesting       ${r.nestingSkips}`);
  console.log(`  fix outputs judged              ${r.fixOutputs}`);
  console.log(`  rejected by gofmt -e            ${r.rejected.length}`);
  console.log(`  slowest input                   ${r.worstInput} (${r.worstMs.toFixed(0)} ms)`);
  if (r.crashes.length || r.rejected.length) {
    console.log(`  details in ${out}`);
    process.exitCode = 1;
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
