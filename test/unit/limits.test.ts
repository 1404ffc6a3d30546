// One pathological file must never stall the analyzer: parsing is cancelled past its budget, the
// rules of a file stop at theirs, code nested too deeply for a rule is reported, and each of these
// says "too complex" where the CLI and the server show it.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze, ensureReady, InputError, ParseTimeout } from '../../src/analysis/engine';
import { BudgetExceeded, Stopwatch, tick, withBudget } from '../../src/analysis/limits';
import { parseGo } from '../../src/analysis/parser';
import { analyzeDir } from '../../src/analysis/project';
import { SHAPES } from '../fuzz/shapes';

// Quadratic for tree-sitter: over a minute unbounded (issue 12), so any budget cancels it.
const backquotes = (n: number) => `package p\n\nvar x = ${'`'.repeat(n)}\n`;
const GOOD = 'package p\n\nimport "net"\n\nfunc f() {\n\tc, _ := net.Dial("tcp", "x")\n\t_ = c\n}\n';

describe('limits: parse budget', () => {
  before(() => ensureReady());

  it('cancels a parse that outlives its budget with a message, and the parser works on the next file', () => {
    let err: unknown;
    try {
      parseGo(backquotes(95_000), null, { path: '/p/quotes.go' });
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof ParseTimeout, String(err));
    assert.ok(err instanceof InputError && err.reason === 'too-complex');
    assert.match((err as Error).message, /^\/p\/quotes\.go: skipped, too complex to parse within \d+ ms/);
    // A cancelled parse resumes on the next call unless the parser is reset: the next file must be itself.
    const t = parseGo(GOOD);
    assert.equal(t.rootNode.hasError, false);
    assert.equal(t.rootNode.endIndex, GOOD.length);
  });

  it('analyze: a pathological target is reported, the other targets and a tiny file next to a pathological sibling are analyzed', () => {
    const res = analyze(
      [
        { path: '/p/a.go', text: GOOD },
        { path: '/p/quotes.go', text: backquotes(95_000) },
      ],
      [{ path: '/p/sibling.go', text: backquotes(95_000).replace('var x', 'var y') }],
    );
    assert.ok(res.findings.some((f) => f.file === '/p/a.go' && f.rule === 'conn-not-closed'));
    assert.equal(res.incomplete.length, 1);
    assert.equal(res.incomplete[0].file, '/p/quotes.go');
    assert.equal(res.incomplete[0].reason, 'parse');
    assert.match(res.incomplete[0].message, /quotes\.go: skipped, too complex to parse/);
  });

  it('the CLI path (analyzeDir) lists the file as skipped, too complex, and analyzes the rest', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cd-limits-'));
    try {
      writeFileSync(join(dir, 'a.go'), GOOD);
      writeFileSync(join(dir, 'quotes.go'), `package p\n\nimport "net"\n\nvar _ net.Conn\nvar x = ${'`'.repeat(95_000)}\n`);
      const r = analyzeDir([join(dir, 'a.go'), join(dir, 'quotes.go')], {});
      assert.deepEqual(
        r.skipped?.map((s) => [s.file, s.reason]),
        [[join(dir, 'quotes.go'), 'too-complex']],
      );
      assert.equal(r.files, 1);
      assert.ok(r.findings.some((f) => f.file === join(dir, 'a.go')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('limits: rule budget', () => {
  before(() => ensureReady());

  it('past the budget the remaining rules are skipped and the file is reported not fully analyzed', () => {
    const res = analyze([{ path: '/p/a.go', text: GOOD }], [], { budgetMs: 0 });
    assert.deepEqual(res.findings, []);
    assert.equal(res.incomplete.length, 1);
    const i = res.incomplete[0];
    assert.equal(i.reason, 'budget');
    assert.ok(i.skippedRules.includes('conn-not-closed'));
    assert.match(i.message, /^\/p\/a\.go: not fully analyzed: too complex, \d+ of \d+ rules skipped after 0 ms \(/);
  });

  it('a rule is interrupted inside its walk, not only between rules', () => {
    // The checkpoint every walk calls: it throws within 1,024 calls once the budget is spent.
    let calls = 0;
    assert.throws(
      () =>
        withBudget(0, () => {
          for (;;) {
            calls++;
            tick();
          }
        }),
      BudgetExceeded,
    );
    assert.ok(calls <= 2048, `${calls} calls`);
    // No budget: nothing is thrown.
    withBudget(Infinity, () => {
      for (let i = 0; i < 5000; i++) tick();
    });
  });

  it('with the default budget an ordinary file is analyzed completely', () => {
    const shape = SHAPES.find((s) => s.name === 'many-functions')!;
    const res = analyze([{ path: '/p/m.go', text: shape.make(50) }]);
    assert.deepEqual(res.incomplete, []);
  });

  it('measures our own work: time spent waiting (another process on the CPU) does not count', () => {
    const w = new Stopwatch();
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60);
    // 60 ms of wall time, next to no CPU time.
    assert.ok(w.elapsed() < 30, `${w.elapsed()} ms`);
    assert.equal(w.over(30, true), false);
  });
});

describe('limits: nesting', () => {
  before(() => ensureReady());

  it('statements nested thousands deep: the rules that walk them give up and say so, the others report', () => {
    const shape = SHAPES.find((s) => s.name === 'nested-for-dial')!;
    const res = analyze([{ path: '/p/deep.go', text: shape.make(3000) }]);
    const i = res.incomplete.find((x) => x.reason === 'nesting');
    assert.ok(i, JSON.stringify(res.incomplete));
    assert.ok(i.skippedRules.includes('conn-not-closed'));
    assert.match(i.message, /not fully analyzed: too complex, \d+ of \d+ rules skipped as it nests too deeply/);
    assert.ok(res.findings.some((f) => f.rule === 'dial-no-timeout'));
  });

  it('chains thousands long (selectors, ||, else-if, labels, products, build tags, * types) are walked without recursion', () => {
    const prev = process.env.CONNDOCTOR_DEBUG;
    // Debug mode: a stack overflow throws instead of being reported as nesting.
    process.env.CONNDOCTOR_DEBUG = '1';
    try {
      // Each deeper than the stack allowed the recursive walks (a 10,887-deep selector chain, a
      // 7,769-term || chain and an 8,169-factor product overflowed).
      const depths: [string, number][] = [
        ['selector-chain', 12_000],
        ['or-chain', 8_000],
        ['else-if-chain', 8_000],
        ['labels', 12_000],
        ['duration-product', 10_000],
        ['build-tag', 50_000],
        ['pointer-type', 50_000],
        ['concat', 12_000],
      ];
      for (const [name, n] of depths) {
        const shape = SHAPES.find((s) => s.name === name)!;
        const res = analyze([{ path: `/p/${name}.go`, text: shape.make(n) }], [], { budgetMs: Infinity });
        assert.deepEqual(
          res.incomplete.map((x) => x.message),
          [],
          name,
        );
      }
    } finally {
      if (prev === undefined) delete process.env.CONNDOCTOR_DEBUG;
      else process.env.CONNDOCTOR_DEBUG = prev;
    }
  });
});
