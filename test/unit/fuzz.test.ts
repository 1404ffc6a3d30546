// Broken, mutated, generated and adversarial Go must never throw out of the analyzer, every input
// runs under the file budget (and is reported when cut short), and every fix of an input Go accepts
// must give Go that Go's own parser accepts. A small seeded campaign; `npm run fuzz` runs a long one.
import { strict as assert } from 'node:assert';
import { analyzeFiles, ensureReady } from '../../src/analysis/engine';
import { fixtures, inputs, runCampaign } from '../fuzz/campaign';
import { haveGofmt } from './helpers/gocheck';

describe('fuzz: broken, mutated, generated and adversarial Go', function () {
  this.timeout(300_000);
  // analyzeFiles throws when a rule throws; the campaign counts the errors analyze reports.
  before(async () => {
    await ensureReady();
  });

  it('survives pathological inputs', () => {
    const cases = [
      '',
      'package',
      'package main\nfunc',
      '\u0000\u0001binary',
      '{'.repeat(5000),
      'package p\n' + 'func f() {'.repeat(300),
      'package p\nfunc f() { c, err := net.Dial(',
      '\ufeffpackage p // 世界 é\nfunc f() { resp, err := http.Get("é") }',
    ];
    for (const text of cases) analyzeFiles([{ path: '/virtual/x.go', text }], [], {});
  });

  it('a seeded campaign over every fixture, generated programs and the adversarial shapes: no crash, no fix Go rejects', () => {
    const all = inputs(20261203, { mutations: fixtures().length, programs: 160, shapeKb: [2, 16] });
    const r = runCampaign(all);
    assert.deepEqual(
      r.crashes.map((c) => `${c.input}: ${c.error.split('\n').slice(0, 3).join(' | ')}`),
      [],
    );
    if (!haveGofmt()) return;
    assert.deepEqual(
      r.rejected.map((x) => `${x.input} / ${x.fix}: ${x.error}\n${x.output.slice(0, 400)}`),
      [],
    );
    // The campaign must have exercised something: inputs Go accepts, with fixes to judge.
    assert.ok(r.validInputs > 100, `${r.validInputs} valid inputs`);
    assert.ok(r.fixOutputs > 200, `${r.fixOutputs} fix outputs`);
  });
});
