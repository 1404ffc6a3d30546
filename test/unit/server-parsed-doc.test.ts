// Incremental re-parse for open documents (src/server/parsedDoc.ts): after any sequence of edits,
// the incrementally re-parsed tree equals a fresh parse of the same text.
import { strict as assert } from 'node:assert';
import { ensureReady, analyzeFiles } from '../../src/analysis/engine';
import { parseGo } from '../../src/analysis/parser';
import { ParsedDoc, type TextChange } from '../../src/server/parsedDoc';

const SRC = `package p

import (
	"net"
	"net/http"
)

func get(u string) error {
	resp, err := http.Get(u)
	if err != nil {
		return err
	}
	_ = resp
	c, err := net.Dial("tcp", "x:1")
	if err != nil {
		return err
	}
	_ = c // 你好 😀
	return nil
}
`;

function apply(text: string, cs: TextChange[]): string {
  for (const c of cs) text = text.slice(0, c.rangeOffset) + c.text + text.slice(c.rangeOffset + c.rangeLength);
  return text;
}

// Deterministic pseudo-random numbers.
function rng(seed: number) {
  return () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
}

describe('vscode ParsedDoc (incremental re-parse)', () => {
  before(() => ensureReady());

  it('re-parses incrementally and matches a full parse after random edits', () => {
    const rand = rng(7);
    const d = new ParsedDoc();
    let text = SRC;
    d.treeFor(text);
    const pieces = ['x', '\n', '\t', 'defer resp.Body.Close()\n', '', '}', '😀', '"', '// c\n', 'if err != nil {\n\treturn err\n}\n'];
    for (let round = 0; round < 200; round++) {
      // One to three changes per event, each relative to the text after the previous one (as VS Code sends them).
      const n = 1 + Math.floor(rand() * 3);
      const cs: TextChange[] = [];
      let t = text;
      for (let i = 0; i < n; i++) {
        let off = Math.floor(rand() * (t.length + 1));
        // never split a surrogate pair
        if (off > 0 && off < t.length && t.charCodeAt(off - 1) >= 0xd800 && t.charCodeAt(off - 1) <= 0xdbff) off--;
        let len = Math.min(Math.floor(rand() * 6), t.length - off);
        const endCode = t.charCodeAt(off + len - 1);
        if (len > 0 && endCode >= 0xd800 && endCode <= 0xdbff) len = Math.max(0, len - 1);
        const c = { rangeOffset: off, rangeLength: len, text: pieces[Math.floor(rand() * pieces.length)] };
        cs.push(c);
        t = apply(t, [c]);
      }
      d.applyChanges(cs);
      text = t;
      if (round % 3 === 0) {
        const inc = d.treeFor(text);
        const full = parseGo(text);
        assert.equal(inc.rootNode.toString(), full.rootNode.toString(), `round ${round}`);
        assert.equal(inc.rootNode.endIndex, full.rootNode.endIndex);
        full.delete();
      }
    }
    assert.ok(d.stats.incremental > 50, `incremental ${d.stats.incremental}`);
    assert.equal(d.stats.full, 1);
    d.dispose();
  });

  it('falls back to a full parse when its copy of the text disagrees', () => {
    const d = new ParsedDoc();
    d.treeFor(SRC);
    d.applyChanges([{ rangeOffset: 0, rangeLength: 0, text: '// a\n' }]);
    const other = SRC + '\n// changed elsewhere\n';
    const t = d.treeFor(other);
    assert.equal(t.rootNode.endIndex, other.length);
    assert.equal(d.stats.full, 2);
    // Out-of-range change: dropped, next parse is full.
    d.applyChanges([{ rangeOffset: 10_000, rangeLength: 3, text: '' }]);
    d.treeFor(SRC);
    assert.equal(d.stats.full, 3);
    d.dispose();
  });

  it('the same tree is reused when nothing changed, and analysis works on it', () => {
    const d = new ParsedDoc();
    const t1 = d.treeFor(SRC);
    assert.equal(d.treeFor(SRC), t1);
    assert.ok(d.isCurrent(SRC));
    const findings = analyzeFiles([{ path: '/nonexistent/p/a.go', text: SRC, tree: t1 }]);
    assert.ok(findings.length > 0);
    d.dispose();
  });
});
