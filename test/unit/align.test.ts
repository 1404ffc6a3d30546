// gofmt's alignment around a fix (src/analysis/fixes/align.ts), checked against the real gofmt:
// our model must reproduce gofmt's layout of real and generated code, and a fix that changes the
// length of a line inside an aligned block (trailing comments, struct fields, keyed elements,
// var/const groups) must leave a file `gofmt -l` does not list.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeFiles, applyEdits, ensureReady } from '../../src/analysis/engine';
import { alignEdits, alignText } from '../../src/analysis/fixes/align';
import type { TextEdit } from '../../src/analysis/model';
import { parseGo } from '../../src/analysis/parser';
import { SHAPES } from '../fuzz/shapes';
import { lineEdits, rng } from './helpers/alignCases';
import { gofmtDirty, haveGo } from './helpers/gocheck';

/** Formats each text with the installed gofmt. */
function gofmtAll(texts: string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'cd-align-'));
  try {
    texts.forEach((t, i) => writeFileSync(join(dir, `f${i}.go`), t));
    execFileSync('gofmt', ['-w', dir]);
    return texts.map((_, i) => readFileSync(join(dir, `f${i}.go`), 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Generated Go with the blocks gofmt aligns, written carelessly (gofmt lays it out). */
function generated(r: () => number): string {
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const ident = () =>
    pick(['a', 'id', 'name', 'client', 'timeout', 'maxIdleConnsPerHost', 'x1', 'readHeaderTimeout', 'ok']) + (r() < 0.3 ? 'X' : '');
  const comment = () =>
    r() < 0.55 ? ` // ${pick(['why', 'the shared client', 'seconds', 'δ ünïcode', 'a much longer remark here'])}` : '';
  const type = () => pick(['int', 'string', '*http.Client', 'time.Duration', 'map[string]int', '[]byte', 'func(int) error', 'struct{}']);
  const value = () =>
    pick(['1', '"x"', '&http.Client{}', '30 * time.Second', 'nil', 'f(1, 2)', '[]int{1, 2, 3}', '"a long string value here"']);
  const blank = () => (r() < 0.12 ? '\n' : '');
  const n = () => 2 + Math.floor(r() * 5);
  const used = new Set<string>();
  const uniq = () => {
    let s = ident();
    while (used.has(s)) s += 'Y';
    used.add(s);
    return s;
  };
  let out =
    'package p\n\nimport (\n"net/http"\n"time"\n)\n\nvar _ = http.Get\nvar _ = time.Second\n\nfunc f(int, int) int { return 0 }\n\n';
  // struct fields: names, types, tags, embedded fields, comments
  out += `type ${uniq()} struct {\n`;
  for (let i = 0, k = n(); i < k; i++) {
    const tag = r() < 0.25 ? ` \`json:"${ident()}"\`` : '';
    if (r() < 0.1) out += `${blank()}http.Header${comment()}\n`;
    else out += `${blank()}${uniq()}${r() < 0.2 ? `, ${uniq()}` : ''} ${type()}${tag}${comment()}\n`;
  }
  out += '}\n\n';
  // var and const groups
  for (const kw of ['var', 'const']) {
    out += `${kw} (\n`;
    for (let i = 0, k = n(); i < k; i++) {
      const name = `${blank()}${uniq()}`;
      if (kw === 'var') {
        // with a type and no value, a type and a value, or only a value
        const roll = r();
        if (roll < 0.2) out += `${name} ${type()}${comment()}\n`;
        else out += `${name}${roll < 0.4 ? ' any' : ''} = ${value()}${comment()}\n`;
      } else if (i > 0 && r() < 0.2)
        out += `${name}${comment()}\n`; // repeats the previous expression
      else out += `${name}${r() < 0.3 ? ' int = 1' : ` = ${pick(['1', '"x"', '30 * time.Second', 'iota'])}`}${comment()}\n`;
    }
    out += ')\n\n';
  }
  // keyed elements and statements with trailing comments inside a function
  out += `func ${uniq()}() {\n`;
  out += `m := map[string]any{\n`;
  for (let i = 0, k = n(); i < k; i++) out += `${blank()}"${ident()}": ${value()},${comment()}\n`;
  out += '}\n_ = m\n';
  for (let i = 0, k = n(); i < k; i++) {
    const v = uniq();
    out += `${blank()}${v} := ${value()}${comment()}\n_ = ${v}\n`;
  }
  out += `s := struct{ ${['A', 'Bee', 'Client'].map((x) => `${x} any`).join('; ')} }{\n`;
  for (const k of ['A', 'Bee', 'Client'].filter(() => r() < 0.8)) out += `${k}: ${value()},${comment()}\n`;
  out += '}\n_ = s\n}\n';
  return out;
}

describe('gofmt alignment of fixes', function () {
  before(async function () {
    if (!haveGo()) this.skip();
    await ensureReady();
  });

  it('lays out generated blocks exactly as gofmt, and re-aligns them around edits', () => {
    const r = rng(11);
    const sources = gofmtAll(Array.from({ length: 120 }, () => generated(r)));
    const edited: string[] = [];
    const edits: TextEdit[][] = [];
    for (const src of sources) {
      const tree = parseGo(src);
      assert.ok(!tree.rootNode.hasError, src);
      // Our model reproduces gofmt's layout of every declaration.
      for (const d of tree.rootNode.namedChildren) {
        if (!d || d.type === 'package_clause') continue;
        const t = src.slice(src.lastIndexOf('\n', d.startIndex - 1) + 1, d.endIndex);
        assert.equal(alignText(t), t, `declaration not laid out as gofmt:\n${t}`);
      }
      for (const e of lineEdits(src, r, 6)) {
        const out = alignEdits(src, tree.rootNode, [e]);
        edited.push(applyEdits(src, out));
        edits.push(out);
      }
    }
    assert.ok(edited.length > 300, `only ${edited.length} edits`);
    // Most edits need re-padding (otherwise this test proves little).
    const repadded = edits.filter((es) => es.length > 1).length;
    assert.ok(repadded > edited.length / 3, `only ${repadded} of ${edited.length} edits re-padded`);
    const dirty = [...gofmtDirty(edited)];
    assert.deepEqual(
      dirty.slice(0, 3).map((i) => edited[i]),
      [],
      `${dirty.length} of ${edited.length} edited files not gofmt-clean`,
    );
  });

  it('real code: GOROOT/src/net/http', function () {
    const root = execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim();
    const dir = join(root, 'src', 'net', 'http');
    const r = rng(5);
    const edited: string[] = [];
    let decls = 0;
    const differ: string[] = [];
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.go'))) {
      const src = readFileSync(join(dir, name), 'utf8');
      const tree = parseGo(src);
      for (const d of tree.rootNode.namedChildren) {
        if (!d || d.type === 'package_clause' || d.type === 'comment') continue;
        decls++;
        const t = src.slice(src.lastIndexOf('\n', d.startIndex - 1) + 1, d.endIndex);
        if (alignText(t) !== t) differ.push(`${name}:${d.startPosition.row + 1}`);
      }
      for (const e of lineEdits(src, r, 4)) edited.push(applyEdits(src, alignEdits(src, tree.rootNode, [e])));
    }
    assert.ok(decls > 1000, `${decls} declarations`);
    assert.deepEqual(differ, [], 'declarations our model does not lay out as gofmt does');
    const dirty = gofmtDirty(edited);
    assert.equal(dirty.size, 0, `${dirty.size} of ${edited.length} edited files not gofmt-clean`);
  });

  it('leaves code gofmt never saw as it is (edits unchanged)', () => {
    const src = 'package p\n\nvar (\n\ta = 1 // x\n\tbb = 2 // y\n)\n';
    const tree = parseGo(src);
    const e = { start: src.indexOf('a = 1') + 1, end: src.indexOf('a = 1') + 1, newText: 'aaaa' };
    assert.deepEqual(alignEdits(src, tree.rootNode, [e]), [e]);
  });

  it('re-pads the comments of a case list over several lines', () => {
    const src =
      'package p\n\nfunc f(x int) bool {\n\tswitch x {\n\tcase\n\t\t1,  // one\n\t\t22: // two\n\t\treturn true\n\t}\n\treturn false\n}\n';
    assert.equal(gofmtDirty([src]).size, 0, 'the case is gofmt-clean');
    const tree = parseGo(src);
    const at = src.indexOf('1,') + 1;
    const out = alignEdits(src, tree.rootNode, [{ start: at, end: at, newText: '000' }]);
    const fixed = applyEdits(src, out);
    assert.ok(fixed.includes('\t\t1000, // one\n\t\t22:   // two\n'), fixed);
    assert.equal(gofmtDirty([fixed]).size, 0);
  });

  it('re-pads neighbours and the edit itself: struct fields', () => {
    const src = 'package p\n\ntype t struct {\n\ta   int    // one\n\tbcd string // two\n}\n';
    const tree = parseGo(src);
    const at = src.indexOf('a   int') + 1;
    const out = alignEdits(src, tree.rootNode, [{ start: at, end: at, newText: 'bcdefg' }]);
    assert.equal(applyEdits(src, out), 'package p\n\ntype t struct {\n\tabcdefg int    // one\n\tbcd     string // two\n}\n');
  });
  it('bounds its work per file: many findings in one run of commented lines (one region for all)', () => {
    // Every line ends in a comment, so gofmt aligns the whole function as one block and each
    // finding's region is all of it: without a per-file budget that was O(findings x lines).
    const [src] = gofmtAll([SHAPES.find((x) => x.name === 'commented-clients')!.make(300)]);
    const findings = analyzeFiles([{ path: 'p.go', text: src }], [], { rules: ['http-client-no-timeout'] });
    assert.equal(findings.length, 300);
    const first = applyEdits(src, findings[0].fixes[0].edits);
    assert.equal(gofmtDirty([first]).size, 0, 'a fix within the budget is re-aligned');
    // Past the budget a fix keeps the rule's own edits: Go that gofmt accepts (it may re-pad comments).
    const last = applyEdits(src, findings[findings.length - 1].fixes[0].edits);
    assert.ok(gofmtAll([last])[0].includes('Timeout'));
  });
});
