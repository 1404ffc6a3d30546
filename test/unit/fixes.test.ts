// The shared fix builders (src/analysis/fixes): fresh names, import edits, timeout values; and the
// one meaning of "test code" every quiet-in-tests rule uses.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_FIX_SETTINGS, RuleContext } from '../../src/analysis/context';
import { analyzeFiles, applyEdits, ensureReady } from '../../src/analysis/engine';
import { FileFacts, PackageFacts } from '../../src/analysis/facts/package';
import { unusedImports, withImports } from '../../src/analysis/fixes/imports';
import { freshName, nameInUse } from '../../src/analysis/fixes/names';
import { timeoutValue } from '../../src/analysis/fixes/values';
import { parseGo, type SyntaxNode } from '../../src/analysis/parser';
import { allRules } from '../../src/analysis/rules/index';
import { goFilesUnder, gofmtDirty, gofmtRejects, haveGofmt } from './helpers/gocheck';

function file(text: string, others: string[] = []): FileFacts {
  const fs = [text, ...others].map((t, i) => new FileFacts(`/virtual/p/f${i}.go`, t, parseGo(t)));
  new PackageFacts(fs);
  return fs[0];
}

function at(f: FileFacts, snippet: string): SyntaxNode {
  const i = f.text.indexOf(snippet);
  assert.ok(i >= 0, `no ${snippet}`);
  return f.tree.rootNode.descendantForIndex(i, i + 1);
}

function ctxOf(f: FileFacts): RuleContext {
  const ctx = new RuleContext(f, '1.22', DEFAULT_FIX_SETTINGS);
  ctx.meta = allRules[0].meta;
  return ctx;
}

function gofmtClean(text: string): boolean {
  return gofmtDirty([text]).size === 0;
}

describe('fix builders', () => {
  before(() => ensureReady());

  describe('freshName', () => {
    it('never shadows a package-level name, in this file or another of the package', () => {
      const f = file('package p\n\nvar ctx = 1\n\nfunc stop() {\n\tx := 1\n\t_ = x\n}\n', ['package p\n\ntype cancel struct{}\n']);
      const x = at(f, 'x := 1');
      assert.equal(freshName(f, x, ['ctx', 'shutdownCtx']), 'shutdownCtx');
      assert.equal(freshName(f, x, ['cancel', 'cancelShutdown']), 'cancelShutdown');
      assert.ok(nameInUse(f, x, 'stop'), 'the function itself');
    });

    it('avoids every name of the outermost function, literals and types included, and imports', () => {
      const f = file(
        'package p\n\nimport srv "net/http"\n\nfunc f() {\n\ttype server struct{}\n\tgo func() {\n\t\ty := 1\n\t\t_ = y\n\t}()\n\tvar httpServer server\n\t_ = httpServer\n\t_ = srv.Get\n}\n',
      );
      const y = at(f, 'y := 1');
      assert.equal(freshName(f, y, ['srv', 'server', 'httpServer']), 'srv2');
      assert.equal(freshName(f, y, ['srv', 'server', 'httpServer', 'h']), 'h');
    });
  });

  describe('import edits', () => {
    const cases: { name: string; src: string; add: string[]; remove: string; want: string }[] = [
      {
        name: 'a spec alone in its group takes its blank line',
        src: 'package p\n\nimport (\n\t"fmt"\n\n\t"strings"\n)\n\nfunc f() { fmt.Println(strings.ToUpper("x")) }\n',
        add: [],
        remove: 'strings.ToUpper("x")',
        want: 'package p\n\nimport (\n\t"fmt"\n)\n\nfunc f() { fmt.Println("X") }\n',
      },
      {
        name: 'the only spec of a declaration takes the declaration',
        src: 'package p\n\nimport "strings"\n\nfunc f() string { return strings.ToUpper("x") }\n',
        add: [],
        remove: 'strings.ToUpper("x")',
        want: 'package p\n\nfunc f() string { return "X" }\n',
      },
      {
        name: 'a single-line import rewritten by the added ones loses the dropped spec',
        src: 'package p\n\nimport "strings"\n\nfunc f() bool { return strings.HasSuffix("a", "b") }\n',
        add: ['errors', 'os'],
        remove: 'strings.HasSuffix("a", "b")',
        want: 'package p\n\nimport (\n\t"errors"\n\t"os"\n)\n\nfunc f() bool { return errors.Is(nil, os.ErrDeadlineExceeded) }\n',
      },
      {
        name: 'an aliased spec with a comment in a rewritten group',
        src: 'package p\n\nimport (\n\t"fmt"\n\tstr "strings" // matching text\n)\n\nfunc f() { fmt.Println(str.Contains("a", "b")) }\n',
        add: ['errors', 'os'],
        remove: 'str.Contains("a", "b")',
        want: 'package p\n\nimport (\n\t"errors"\n\t"fmt"\n\t"os"\n)\n\nfunc f() { fmt.Println(errors.Is(nil, os.ErrDeadlineExceeded)) }\n',
      },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const f = file(c.src);
        const start = c.src.indexOf(c.remove);
        const range = { start, end: start + c.remove.length };
        const drop = unusedImports(f, [range]);
        assert.equal(drop.length, 1);
        const replacement = c.add.length ? 'errors.Is(nil, os.ErrDeadlineExceeded)' : c.remove.includes('ToUpper') ? '"X"' : '';
        const edits = withImports(ctxOf(f), [{ ...range, newText: replacement }], c.add, drop);
        const out = applyEdits(c.src, edits);
        assert.equal(out, c.want);
        assert.ok(gofmtClean(out), 'gofmt-clean');
      });
    }

    it('keeps imports still used elsewhere', () => {
      const src = 'package p\n\nimport "strings"\n\nfunc f() { _ = strings.ToUpper("x"); _ = strings.ToLower("y") }\n';
      const f = file(src);
      const s = src.indexOf('strings.ToUpper("x")');
      assert.deepEqual(unusedImports(f, [{ start: s, end: s + 'strings.ToUpper("x")'.length }]), []);
    });

    // Every import layout Go accepts, with imports added and/or a spec dropped: Go's own parser must
    // accept every output (tree-sitter accepts `import ("net")\n\t"time"`), and a gofmt-clean input
    // must give a gofmt-clean output.
    const body = 'var _ = strings.ToUpper\nvar _ = io.EOF\n';
    const layouts: Record<string, string> = {
      'one-line group': `package p\n\nimport ("io"; "strings")\n\n${body}`,
      'one-line group of one': `package p\n\nimport ("strings")\n\nvar _ = strings.ToUpper\n`,
      'two specs on a line': `package p\n\nimport (\n\t"io"; "strings"\n)\n\n${body}`,
      'a spec on the ( line': `package p\n\nimport ("io"\n\t"strings"\n)\n\n${body}`,
      'a spec on the ) line': `package p\n\nimport (\n\t"io"\n\t"strings")\n\n${body}`,
      'comments around and in the group': `// Package p.\npackage p // the p\n\n// imports\nimport (\n\t// doc\n\t"io" // why\n\t"strings" /* b */\n) // after\n\n${body}`,
      'comments in an irregular group': `package p\n\nimport ( // c\n\t"io"; /* b */ "strings")\n\n${body}`,
      'single specs with comments': `package p\n\nimport "io" // why\nimport "strings"\n\n${body}`,
      'named, dot and blank imports': `package p\n\nimport (\n\t_ "embed"\n\t. "io"\n\tstr "strings"\n)\n\nvar _ = str.ToUpper\nvar _ = EOF\n`,
      'third-party group only': `package p\n\nimport (\n\t"example.com/x"\n\t"strings"\n)\n\nvar _ = x.Y\nvar _ = strings.ToUpper\n`,
      'cgo only': `package p\n\n/*\n#include <stdlib.h>\n*/\nimport "C"\n\nvar _ = C.free\n`,
      'cgo and a group': `package p\n\n// #include <stdlib.h>\nimport "C"\n\nimport (\n\t"io"\n\t"strings"\n)\n\n${body}var _ = C.free\n`,
      'empty group': `package p\n\nimport ()\n\nvar _ = 1\n`,
      'no imports': `package p // the p\n\nvar _ = 1\n`,
      'no imports, no package clause': `var _ = 1\n`,
    };
    const adds = [[], ['time'], ['context', 'time']];
    const outputs: { name: string; input: string; text: string }[] = [];
    before(() => {
      for (const [layout, src] of Object.entries(layouts)) {
        const f = file(src);
        for (const add of adds) {
          const ref = /\b(strings|str)\.ToUpper/.exec(src);
          for (const dropIt of ref ? [false, true] : [false]) {
            if (!add.length && !dropIt) continue;
            const range = dropIt ? { start: ref!.index, end: ref!.index + ref![0].length } : { start: 0, end: 0 };
            const drop = dropIt ? unusedImports(f, [range]) : [];
            if (dropIt) assert.equal(drop.length, 1, `${layout}: strings unused`);
            const use = add.map((p) => `${p}.X`).join(', ');
            const edits = dropIt
              ? [{ ...range, newText: use || '0' }]
              : add.length
                ? [{ start: src.length, end: src.length, newText: `var _ = ${use}\n` }]
                : [];
            const text = applyEdits(src, withImports(ctxOf(f), edits, add, drop));
            outputs.push({ name: `${layout}, add [${add}]${dropIt ? ', drop strings' : ''}`, input: src, text });
          }
        }
      }
    });
    const framed = (t: string) => (/^(\s*\/\/[^\n]*\n)*\s*package /.test(t) ? t : `package p\n\n${t}`);

    it('every layout: Go accepts each output, gofmt-clean in gives gofmt-clean out', function () {
      if (!haveGofmt()) this.skip();
      const rejected = gofmtRejects(outputs.map((o) => framed(o.text)));
      assert.deepEqual(
        [...rejected].map(([i, e]) => `${outputs[i].name}: ${e}\n${outputs[i].text}`),
        [],
      );
      const inputs = [...new Set(outputs.map((o) => o.input))];
      const dirtyIn = gofmtDirty(inputs.map(framed));
      const cleanIn = new Set(inputs.filter((_, i) => !dirtyIn.has(i)));
      const judged = outputs.filter((o) => cleanIn.has(o.input));
      const dirtyOut = gofmtDirty(judged.map((o) => framed(o.text)));
      assert.deepEqual(
        [...dirtyOut].map((i) => `${judged[i].name}\n${judged[i].text}`),
        [],
      );
      assert.ok(judged.length >= 20, `${judged.length} gofmt-clean cases`);
    });

    it('rewrites irregular groups as gofmt prints them, keeps import "C" apart, starts a file without imports', () => {
      const out = (name: string) => outputs.find((o) => o.name === name)!.text;
      assert.match(out('one-line group, add [time]'), /^import \(\n\t"io"\n\t"strings"\n\t"time"\n\)\n/m);
      assert.match(out('two specs on a line, add [time], drop strings'), /^import \(\n\t"io"\n\t"time"\n\)\n/m);
      assert.match(out('cgo only, add [time]'), /\*\/\nimport "C"\n\nimport "time"\n/);
      assert.match(out('cgo and a group, add [context,time]'), /import "C"\n\nimport \(\n\t"context"\n\t"io"\n\t"strings"\n\t"time"\n\)/);
      assert.equal(out('no imports, no package clause, add [time]'), 'import "time"\n\nvar _ = 1\nvar _ = time.X\n');
      assert.match(out('no imports, add [time]'), /^package p \/\/ the p\n\nimport "time"\n\nvar _ = 1\n/);
      assert.match(out('comments in an irregular group, add [time]'), /import \(\n\t"time"\n\t\/\/ c\n/);
    });
  });

  describe('timeoutValue: the one writer of a timeout setting', () => {
    it('spaces as gofmt does at the depth, spells package time as the file imports it, and asks for the import', () => {
      const plain = ctxOf(file('package p\n'));
      assert.deepEqual(timeoutValue(plain, '5*time.Second'), { text: '5 * time.Second', imports: ['time'] });
      assert.deepEqual(timeoutValue(plain, '5 * time.Second', 2), { text: '5*time.Second', imports: ['time'] });
      assert.deepEqual(timeoutValue(plain, 'defaultTimeout'), { text: 'defaultTimeout', imports: [] });
      const aliased = ctxOf(file('package p\n\nimport stdtime "time"\n\nvar _ = stdtime.Now\n'));
      assert.equal(timeoutValue(aliased, '30 * time.Second').text, '30 * stdtime.Second');
      const dot = ctxOf(file('package p\n\nimport . "time"\n\nvar _ = Now\n'));
      assert.equal(timeoutValue(dot, '30 * time.Second').text, '30 * Second');
    });
  });
});

/** Rules that stay quiet in test code (timeouts, deadlines, shutdown are provoked on purpose there). */
const QUIET_IN_TESTS = [
  'deadline-now',
  'deadline-outside-loop',
  'dial-no-timeout',
  'handler-ignores-context',
  'http-client-no-timeout',
  'http-server-no-timeouts',
  'read-no-deadline',
  'serve-error-unchecked',
  'server-close-not-shutdown',
  'shutdown-without-timeout',
  'timeout-error-assertion',
];

describe('test code has one meaning', () => {
  before(() => ensureReady());

  it('every quiet-in-tests rule skips _test.go files and files importing "testing"; the others are unaffected', () => {
    const root = join(__dirname, '..', 'fixtures');
    for (const rule of allRules.map((r) => r.meta.id)) {
      let positives = 0;
      for (const p of goFilesUnder(join(root, rule))) {
        const text = readFileSync(p, 'utf8');
        if (text.includes('"testing"')) continue;
        const base = analyzeFiles([{ path: p, text }], [], { rules: [rule] }).length;
        positives += base;
        // The same code as a test helper: `import "testing"` added (used, so it compiles).
        const helper = text.replace(/^package (\w+)\n/m, 'package $1\n\nimport "testing"\n\nvar _ = testing.Short\n');
        const inHelper = analyzeFiles([{ path: p, text: helper }], [], { rules: [rule] }).length;
        const inTest = analyzeFiles([{ path: p.replace(/\.go$/, '_test.go'), text }], [], { rules: [rule] }).length;
        if (QUIET_IN_TESTS.includes(rule)) {
          assert.equal(inHelper, 0, `${rule} reports in ${p} importing "testing"`);
          assert.equal(inTest, 0, `${rule} reports in ${p} as a _test.go file`);
        } else {
          assert.equal(inHelper, base, `${rule}: importing "testing" changed its findings in ${p}`);
        }
      }
      assert.ok(positives > 0, `${rule}: no fixture findings to compare`);
    }
  });
});
