// A rule that throws is reported (rule id, file, stack), never a silent miss: by the engine as
// structured errors, by the CLI on stderr (stacks with --debug).
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze, analyzeFiles, AnalysisFailure, ensureReady } from '../../src/analysis/engine';
import type { Rule } from '../../src/analysis/model';
import { ruleById } from '../../src/analysis/rules/index';
import { main } from '../../src/cli';
import { AnalysisHost } from '../../src/server/host';

const LEAKY = `package p

import "net"

func F() {
	c, _ := net.Dial("tcp", "example.com:80")
	_ = c
}
`;

const boom: Rule = {
  meta: { id: 'boom', title: 'boom', severity: 'warning', category: 'close', description: 'throws', docs: 'boom' },
  check(ctx) {
    ctx.report(ctx.tree.rootNode, 'reported before the throw');
    throw new Error('rule bug here');
  },
};

describe('a rule that throws', () => {
  before(() => ensureReady());

  it('analyze returns it as a structured error; the other rules still report', () => {
    const real = ruleById('conn-not-closed')!;
    const r = analyze([{ path: '/virtual/p/a.go', text: LEAKY }], [], { ruleSet: [boom, real] });
    assert.equal(r.errors.length, 1);
    const [e] = r.errors;
    assert.equal(e.rule, 'boom');
    assert.equal(e.file, '/virtual/p/a.go');
    assert.equal(e.message, 'rule bug here');
    assert.match(e.stack ?? '', /rule bug here\n\s+at /);
    assert.ok(
      r.findings.some((f) => f.rule === 'conn-not-closed'),
      'the healthy rule still reports',
    );
    assert.ok(
      r.findings.some((f) => f.rule === 'boom'),
      'what the rule reported before throwing is kept',
    );
  });

  it('analyzeFiles (tests, benchmarks) throws it', () => {
    assert.throws(
      () => analyzeFiles([{ path: '/virtual/p/a.go', text: LEAKY }], [], { ruleSet: [boom] }),
      (e: unknown) =>
        e instanceof AnalysisFailure && e.errors[0].rule === 'boom' && /rule boom failed on \/virtual\/p\/a\.go/.test(e.message),
    );
  });

  it("the language server's analysis returns it with the document's findings (the server logs it)", () => {
    const host = new AnalysisHost();
    host.open('file:///virtual/p/a.go', '/virtual/p/a.go', false, LEAKY, 1);
    try {
      const r = host.analyze('file:///virtual/p/a.go', 1, { ruleSet: [boom, ruleById('conn-not-closed')!] });
      assert.deepEqual(
        r.errors.map((e) => [e.rule, e.file, e.message]),
        [['boom', '/virtual/p/a.go', 'rule bug here']],
      );
      assert.ok(r.findings.some((f) => f.rule === 'conn-not-closed'));
    } finally {
      host.dispose();
    }
  });

  describe('the CLI', () => {
    let dir: string;
    const rule = ruleById('dial-no-timeout')!;
    const check = rule.check;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'cd-fail-'));
      writeFileSync(join(dir, 'go.mod'), 'module example.com/f\n\ngo 1.22\n');
      writeFileSync(join(dir, 'a.go'), LEAKY);
      rule.check = () => {
        throw new TypeError('Cannot read properties of null');
      };
    });
    after(() => {
      rule.check = check;
      rmSync(dir, { recursive: true, force: true });
    });

    async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
      let out = '';
      let err = '';
      const o = process.stdout.write;
      const e = process.stderr.write;
      process.stdout.write = ((s: string) => ((out += s), true)) as typeof process.stdout.write;
      process.stderr.write = ((s: string) => ((err += s), true)) as typeof process.stderr.write;
      try {
        const code = await main(args);
        return { code, out, err };
      } finally {
        process.stdout.write = o;
        process.stderr.write = e;
      }
    }

    it('names the rule and the file on stderr and keeps the other findings', async () => {
      const r = await cli(['--rules', 'dial-no-timeout,conn-not-closed', dir]);
      assert.match(r.err, /conndoctor: internal error: rule dial-no-timeout failed on .*a\.go: Cannot read properties of null/);
      assert.match(r.err, /--debug prints the stacks/);
      assert.doesNotMatch(r.err, /\n\s+at /, 'no stack without --debug');
      assert.match(r.out, /\(conn-not-closed\)/);
      assert.equal(r.code, 1);
    });

    it('--debug prints the stack', async () => {
      const r = await cli(['--debug', '--rules', 'dial-no-timeout', dir]);
      assert.match(
        r.err,
        /rule dial-no-timeout failed on .*a\.go: Cannot read properties of null\nTypeError: Cannot read properties of null\n\s+at /,
      );
    });
  });
});
