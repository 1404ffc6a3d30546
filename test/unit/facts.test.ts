// Facts the rules share: imports and aliases, go.mod versions, "what is this value", the mirror tree.
import { strict as assert } from 'node:assert';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureReady } from '../../src/analysis/engine';
import { makeEdit, parseGo } from '../../src/analysis/parser';
import { FileFacts, PackageFacts } from '../../src/analysis/facts/package';
import { statementsInWalkOrder } from '../../src/analysis/facts/lifecycle';
import { compareGo, findGoMod, goAtLeast, parseGoMod, clearGoModCache } from '../../src/analysis/facts/gomod';
import { addImportsEdit } from '../../src/analysis/fixes/imports';
import { applyEdits } from '../../src/analysis/engine';

function facts(files: Record<string, string>): FileFacts[] {
  const fs = Object.entries(files).map(([p, t]) => new FileFacts(`/virtual/${p}`, t, parseGo(t)));
  new PackageFacts(fs);
  return fs;
}

function find(f: FileFacts, text: string, type?: string) {
  const i = f.text.indexOf(text);
  assert.ok(i >= 0, `no ${text}`);
  let n = f.tree.rootNode.descendantForIndex(i, i + text.length);
  while (n.parent && (n.text !== text || (type && n.type !== type))) n = n.parent;
  return n;
}

describe('facts', () => {
  before(async () => {
    await ensureReady();
  });

  it('resolves aliased and dot imports, and a local variable named like a package is not the package', () => {
    const [f] = facts({
      'a.go':
        'package p\n\nimport (\n\tstdnet "net"\n\t. "net/http"\n)\n\nfunc f() {\n\tstdnet.Dial("tcp", "x")\n\tGet("u")\n\tnet := struct{ Dial func() }{}\n\tnet.Dial()\n}\n',
    });
    assert.equal(f.qualified(find(f, 'stdnet.Dial', 'selector_expression')), 'net.Dial');
    assert.equal(f.qualified(find(f, 'Get', 'identifier')), 'net/http.Get');
    assert.equal(f.qualified(find(f, 'net.Dial', 'selector_expression')), null);
  });

  it('knows what values are: constructors, declared types, assertions, fields across files, results of package functions', () => {
    const [a] = facts({
      'a.go':
        'package p\n\nimport (\n\t"crypto/tls"\n\t"net"\n\t"net/http"\n)\n\nfunc f(ln net.Listener, cl *http.Client, s *srv) {\n\tc, err := ln.Accept()\n\ttc := c.(*net.TCPConn)\n\tr, _ := cl.Get("u")\n\tt := tls.Client(c, nil)\n\td, _ := dial()\n\t_ = s.conn\n\t_, _, _, _, _, _ = err, tc, r, t, d, s\n}\n',
      'b.go':
        'package p\n\nimport "net"\n\ntype srv struct{ conn net.Conn }\n\nfunc dial() (net.Conn, error) { return net.Dial("tcp", "x") }\n',
    });
    const k = (t: string) => a.kindOf(find(a, t, 'identifier'));
    const at = (t: string) => a.kindOf(find(a, t));
    assert.equal(at('ln.Accept()'), 'net.Conn');
    assert.equal(at('c.(*net.TCPConn)'), '*net.TCPConn');
    assert.equal(at('cl.Get("u")'), '*net/http.Response');
    assert.equal(at('tls.Client(c, nil)'), '*crypto/tls.Conn');
    assert.equal(at('dial()'), 'net.Conn');
    assert.equal(at('s.conn'), 'net.Conn');
    assert.equal(k('ln'), 'net.Listener');
    assert.equal(k('cl'), '*net/http.Client');
  });

  it('scopes: shadowed names resolve to the right declaration', () => {
    const [f] = facts({
      'a.go': 'package p\n\nimport "net"\n\nfunc f(x int) {\n\tc := x\n\t{\n\t\tc, _ := net.Dial("tcp", "y")\n\t\t_ = c\n\t}\n\t_ = c\n}\n',
    });
    const uses = f.tree.rootNode
      .descendantsOfType('identifier')
      .filter((n) => n.text === 'c' && n.parent?.type === 'expression_list' && n.parent.parent?.type === 'assignment_statement');
    assert.equal(uses.length, 2);
    assert.equal(f.kindOf(uses[0]), 'net.Conn');
    assert.equal(f.kindOf(uses[1]), null);
  });

  it('go.mod: go and toolchain lines, nearest file wins, version comparison', () => {
    assert.deepEqual(parseGoMod('module a/b\n\ngo 1.21.3 // comment\n\ntoolchain go1.22.1\n'), {
      file: 'go.mod',
      module: 'a/b',
      go: '1.21.3',
      toolchain: '1.22.1',
    });
    const d = mkdtempSync(join(tmpdir(), 'cd-gomod-'));
    try {
      writeFileSync(join(d, 'go.mod'), 'module x\n\ngo 1.14\n');
      mkdirSync(join(d, 'sub', 'deeper'), { recursive: true });
      writeFileSync(join(d, 'sub', 'go.mod'), 'module y\n\ngo 1.22\n');
      clearGoModCache();
      assert.equal(findGoMod(join(d, 'sub', 'deeper'))?.go, '1.22');
      assert.equal(findGoMod(d)?.go, '1.14');
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
    assert.ok(compareGo('1.9', '1.16') < 0);
    assert.ok(compareGo('1.22rc1', '1.22') === 0);
    assert.ok(goAtLeast('1.16.2', '1.16'));
    assert.ok(!goAtLeast('1.15', '1.16'));
    assert.ok(goAtLeast(undefined, '1.99'));
  });

  it('adds imports gofmt-style: into the std group, sorted; from a single import; with none', () => {
    const cases: [string, string[], string][] = [
      [
        'package p\n\nimport (\n\t"net"\n\t"os"\n\n\t"example.com/x"\n)\n',
        ['errors', 'time'],
        'package p\n\nimport (\n\t"errors"\n\t"net"\n\t"os"\n\t"time"\n\n\t"example.com/x"\n)\n',
      ],
      ['package p\n\nimport "net"\n', ['time'], 'package p\n\nimport (\n\t"net"\n\t"time"\n)\n'],
      ['package p\n\nfunc f() {}\n', ['time'], 'package p\n\nimport "time"\n\nfunc f() {}\n'],
    ];
    for (const [src, add, want] of cases) {
      const [f] = facts({ 'a.go': src });
      const e = addImportsEdit(src, f.tree, f.imports, add);
      assert.ok(e);
      assert.equal(applyEdits(src, [e]), want);
    }
  });

  it('incremental re-parse gives the same tree as a fresh parse', () => {
    const src = 'package p\n\nimport "net"\n\nfunc f() {\n\tc, _ := net.Dial("tcp", "x")\n\t_ = c\n}\n';
    const t1 = parseGo(src);
    const at = src.indexOf('_ = c');
    const next = src.slice(0, at) + 'c.Close()\n\t' + src.slice(at);
    t1.edit(makeEdit(src, at, at, 'c.Close()\n\t'));
    const t2 = parseGo(next, t1);
    assert.equal(t2.rootNode.toString(), parseGo(next).rootNode.toString());
    assert.ok(!t2.rootNode.hasError);
    assert.ok(parseGo('package p\nfunc f() {').rootNode.hasError);
  });

  it('incremental re-parse reuses unchanged declarations and still equals a fresh parse (structure and offsets)', () => {
    let text = readFileSync(join(__dirname, '..', 'fixtures', 'conn-not-closed', 'dial.go'), 'utf8');
    let tree = parseGo(text);
    let seed = 11;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const inserts = ['x', '\n', '}', 'func ', ' // c', '{', '"', ''];
    for (let i = 0; i < 60; i++) {
      const at = Math.floor(rnd() * text.length);
      const ins = inserts[i % inserts.length];
      const del = i % 4 === 0 ? Math.floor(rnd() * 6) : 0;
      const next = text.slice(0, at) + ins + text.slice(at + del);
      tree.edit(makeEdit(text, at, at + del, ins));
      const inc = parseGo(next, tree);
      const fresh = parseGo(next);
      const spans = (t: typeof fresh) =>
        t.rootNode
          .descendantsOfType(['identifier', 'call_expression', 'ERROR', 'block'])
          .map((n) => `${n.type}@${n.startIndex}-${n.endIndex}`)
          .join(' ');
      assert.equal(inc.rootNode.toString(), fresh.rootNode.toString(), `edit ${i}: structure`);
      assert.equal(spans(inc), spans(fresh), `edit ${i}: offsets`);
      assert.equal(inc.rootNode.hasError, fresh.rootNode.hasError, `edit ${i}: hasError`);
      fresh.delete();
      tree.delete();
      tree = inc;
      text = next;
    }
  });
});

describe('statementsInWalkOrder (acquisitions from the type index)', () => {
  before(() => ensureReady());

  it('gives the statements a walk of named nodes reaches, in its order, for every fixture file, function and block', () => {
    const types = new Set(['short_var_declaration', 'assignment_statement', 'expression_statement']);
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true }))
        if (e.isDirectory()) walk(join(d, e.name));
        else if (e.name.endsWith('.go')) files.push(join(d, e.name));
    };
    walk(join(__dirname, '../fixtures'));
    let compared = 0;
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      // The file and a copy with broken syntax (error nodes in the tree).
      for (const t of [text, text.replace('{', '{ x := [1,2 ')]) {
        const tree = parseGo(t);
        for (const root of [
          tree.rootNode,
          ...tree.rootNode.descendantsOfType(['function_declaration', 'method_declaration', 'func_literal', 'block']),
        ]) {
          const want: unknown[] = [];
          const stack = [root];
          while (stack.length) {
            const n = stack.pop()!;
            stack.push(...n.namedChildren);
            if (types.has(n.type)) want.push(n);
          }
          const got = statementsInWalkOrder(root);
          assert.equal(got.length, want.length, f);
          got.forEach((n, i) => assert.equal(n, want[i], `${f} ${root.type}@${root.startIndex} #${i}`));
          compared += want.length;
        }
      }
    }
    assert.ok(compared > 500, `${compared}`);
  });
});
