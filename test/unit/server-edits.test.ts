// The text side of the extension's code actions (src/server/edits.ts): "fix all" with
// re-analysis between rounds when fixes overlap, the minimal replace edit, and the
// //conndoctor:ignore directive (checked against the engine's own suppression).
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeFiles, applyEdits, ensureReady } from '../../src/analysis/engine';
import type { Finding } from '../../src/analysis/model';
import { parseGo } from '../../src/analysis/parser';
import { fixAllText, ignoreEdit, minimalEdit } from '../../src/server/edits';

const finding = (rule: string, start: number, end: number, newText: string, preferred = true): Finding => ({
  rule,
  severity: 'warning',
  message: rule,
  file: 'x.go',
  range: { start: { line: 0, character: start }, end: { line: 0, character: end } },
  startOffset: start,
  endOffset: end,
  fixes: [{ title: rule, preferred, edits: [{ start, end, newText }] }],
});

const SRC = `package fa

import (
	"io"
	"net"
	"net/http"
)

func fetch(url string) ([]byte, error) {
	resp, err := http.Get(url)
	defer resp.Body.Close()
	if err != nil {
		return nil, err
	}
	return io.ReadAll(resp.Body)
}

func both(url, addr string) error {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	_, err = io.Copy(c, resp.Body)
	return err
}
`;

describe('vscode edits', () => {
  let dir: string;
  before(async () => {
    await ensureReady();
    dir = mkdtempSync(join(tmpdir(), 'cd-edits-'));
    writeFileSync(join(dir, 'go.mod'), 'module fa\n\ngo 1.22\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const analyze = (text: string): Finding[] => {
    const tree = parseGo(text);
    try {
      return analyzeFiles([{ path: join(dir, 'a.go'), text, tree }]);
    } finally {
      tree.delete();
    }
  };

  it('fix all: overlapping fixes wait for the next round, which re-analyzes', () => {
    // Two findings whose fixes touch the same span: one round can apply only one of them.
    const text = 'aaaa bbbb';
    let calls = 0;
    const fake = (t: string): Finding[] => {
      calls++;
      const out: Finding[] = [];
      const a = t.indexOf('aaaa');
      if (a !== -1) out.push(finding('r1', a, a + 9, 'AAAA bbbb'));
      const b = t.indexOf('bbbb');
      if (b !== -1) out.push(finding('r2', b, b + 4, 'BBBB'));
      return out;
    };
    const r = fixAllText(text, fake);
    assert.equal(r.text, 'AAAA BBBB');
    assert.equal(r.applied, 2);
    assert.equal(r.rounds, 2);
    assert.equal(r.remaining, 0);
    assert.ok(calls >= 2);
  });

  it('fix all: stops on a fix that brings back an earlier text (no endless loop)', () => {
    const flip = (t: string): Finding[] => [finding('flip', 0, 1, t[0] === 'a' ? 'b' : 'a')];
    const r = fixAllText('a', flip, 10);
    assert.ok(r.rounds <= 2, `rounds ${r.rounds}`);
  });

  it('fix all: findings without a preferred fix are left alone', () => {
    const r = fixAllText('abc', () => [{ ...finding('x', 0, 1, 'z', false), fixes: [] }]);
    assert.equal(r.text, 'abc');
    assert.equal(r.applied, 0);
  });

  it('fix all on real Go with the real rules: same result as `conndoctor --fix`, gofmt-clean, nothing left', function () {
    const r = fixAllText(SRC, analyze);
    assert.ok(r.applied >= 4, `applied ${r.applied}`);
    assert.equal(r.remaining, 0);
    assert.equal(analyze(r.text).filter((f) => f.fixes.some((x) => x.preferred)).length, 0);
    assert.ok(!parseGo(r.text).rootNode.hasError);
    writeFileSync(join(dir, 'a.go'), r.text);
    assert.equal(execFileSync('gofmt', ['-l', dir], { encoding: 'utf8' }), '');
    // Same as the CLI's --fix on the same file.
    writeFileSync(join(dir, 'a.go'), SRC);
    const cli = join(__dirname, '..', '..', 'src', 'cli.ts');
    try {
      execFileSync(process.execPath, ['--import', 'tsx', cli, '--fix', join(dir, 'a.go')], { stdio: 'pipe' });
    } catch {
      /* exit 1 = findings left; we compare the file */
    }
    assert.equal(r.text, readFileSync(join(dir, 'a.go'), 'utf8'));
  });

  it('minimalEdit keeps common prefix and suffix', () => {
    assert.equal(minimalEdit('abc', 'abc'), null);
    const e = minimalEdit('hello world', 'hello brave world')!;
    assert.deepEqual(e, { start: 6, end: 6, newText: 'brave ' });
    for (const [a, b] of [
      ['', 'x'],
      ['x', ''],
      ['aXa', 'aa'],
      ['a😀b', 'a😁b'],
      ['abab', 'ab'],
    ]) {
      const m = minimalEdit(a, b)!;
      assert.equal(applyEdits(a, [m]), b, `${a} -> ${b}`);
    }
  });

  it('ignore directive: line above, same indentation, suppresses the finding', () => {
    const findings = analyze(SRC);
    const f = findings.find((x) => x.rule === 'defer-before-errcheck')!;
    assert.ok(f);
    const ig = ignoreEdit(SRC, f.range.start.line, f.rule)!;
    assert.equal(ig.before, '\t//conndoctor:ignore defer-before-errcheck ');
    assert.equal(ig.reason, 'reason');
    const text = applyEdits(SRC, [{ start: ig.start, end: ig.end, newText: ig.before + 'checked by caller' + ig.after }]);
    assert.match(text, /\n\t\/\/conndoctor:ignore defer-before-errcheck checked by caller\n\tdefer resp\.Body\.Close\(\)/);
    const after = analyze(text);
    assert.equal(after.filter((x) => x.rule === 'defer-before-errcheck').length, 0);
    assert.equal(after.length, findings.length - 1);

    // A second rule on the same line joins the existing directive.
    const line = text.split('\n').findIndex((l) => l.includes('defer resp.Body.Close()'));
    const ig2 = ignoreEdit(text, line, 'body-not-closed')!;
    const text2 = applyEdits(text, [{ start: ig2.start, end: ig2.end, newText: ig2.before + ig2.after }]);
    assert.match(text2, /\/\/conndoctor:ignore defer-before-errcheck,body-not-closed checked by caller\n/);
    // Already ignored: nothing to do.
    assert.equal(ignoreEdit(text2, line, 'body-not-closed'), null);
  });

  it('ignore directive: CRLF files and the first line', () => {
    const ig = ignoreEdit('package a\r\n\r\n  x := 1\r\n', 2, 'r')!;
    assert.equal(ig.before, '  //conndoctor:ignore r ');
    assert.equal(ig.after, '\r\n');
    assert.equal(ignoreEdit('package a', 0, 'r')!.start, 0);
    assert.equal(ignoreEdit('package a', 5, 'r'), null);
  });
});
