// The deadline rules (read-no-deadline, deadline-outside-loop, deadline-now, accept-error-spin):
// every fix they offer — not only the preferred ones the golden files cover — must parse and be
// gofmt-clean, and messages must follow the module's Go version.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeFiles, applyEdits, ensureReady } from '../../src/analysis/engine';
import { parseGo } from '../../src/analysis/parser';
import { goFilesUnder, gofmtDirty } from './helpers/gocheck';

const RULES = ['read-no-deadline', 'deadline-outside-loop', 'deadline-now', 'accept-error-spin'];
const ROOT = join(__dirname, '..', 'fixtures');

function gofmtClean(texts: string[]): boolean[] {
  const dirty = gofmtDirty(texts);
  return texts.map((_, i) => !dirty.has(i));
}

describe('deadline rules', function () {
  before(async () => {
    await ensureReady();
  });

  for (const rule of RULES) {
    it(`${rule}: every offered fix parses and is gofmt-clean`, () => {
      const outputs: { where: string; text: string }[] = [];
      for (const path of goFilesUnder(join(ROOT, rule))) {
        const text = readFileSync(path, 'utf8');
        for (const f of analyzeFiles([{ path, text }], [], { rules: [rule] })) {
          for (const fix of f.fixes)
            outputs.push({ where: `${path}:${f.range.start.line + 1} "${fix.title}"`, text: applyEdits(text, fix.edits) });
        }
      }
      assert.ok(outputs.length > 0, 'no fixes offered at all');
      const problems: string[] = [];
      for (const o of outputs) if (parseGo(o.text).rootNode.hasError) problems.push(`${o.where}: syntax error`);
      gofmtClean(outputs.map((o) => o.text)).forEach((ok, i) => {
        if (!ok) problems.push(`${outputs[i].where}: not gofmt-clean`);
      });
      assert.deepEqual(problems, []);
    });
  }

  const src = `package p

import (
	"net"
	"time"
)

func f(c net.Conn) error {
	c.SetReadDeadline(time.Now())
	_, err := c.Read(make([]byte, 1))
	return err
}
`;

  it('deadline-now names os.ErrDeadlineExceeded only from Go 1.15 (at the read, a related location)', () => {
    const at = (v: string) =>
      analyzeFiles([{ path: '/nonexistent/p.go', text: src }], [], { rules: ['deadline-now'], goVersion: v })[0]?.related?.[0]?.message ??
      '';
    assert.match(at('1.15'), /os\.ErrDeadlineExceeded/);
    assert.doesNotMatch(at('1.14'), /os\.ErrDeadlineExceeded/);
    assert.match(at('1.14'), /"i\/o timeout" error/);
  });

  it("read-no-deadline uses the readTimeout setting and the file's name for package time", () => {
    const text = `package p

import (
	"net"
	t "time"
)

var _ = t.Second

func handle(c net.Conn) {
	buf := make([]byte, 8)
	for {
		if _, err := c.Read(buf); err != nil {
			return
		}
	}
}
`;
    const [f] = analyzeFiles([{ path: '/nonexistent/p.go', text }], [], {
      rules: ['read-no-deadline'],
      fix: { readTimeout: '2 * time.Minute' },
    });
    assert.ok(f, 'no finding');
    const out = applyEdits(text, f.fixes[0].edits);
    assert.match(out, /c\.SetReadDeadline\(t\.Now\(\)\.Add\(2 \* t\.Minute\)\); err != nil \{\n\t\t\treturn\n\t\t\}/);
    assert.doesNotMatch(out, /^\t"time"$/m);
  });
});
