// Snippets (snippets/go.json): every snippet, expanded with its defaults the way VS Code inserts it,
// is gofmt-clean, passes go vet, needs no newer Go than its description says, and does not trip
// any of our own analyzer rules.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeFiles, ensureReady } from '../../src/analysis/engine';
import { allRules } from '../../src/analysis/rules/index';
import { checkGo, goFile, haveGo, importsFor } from './helpers/gocheck';
import { loadGoApi, requiredGo } from './helpers/goapi';
import { expandSnippet, parseSnippet, SnippetSyntaxError, tabstops } from './helpers/snippet';

const ROOT = join(__dirname, '..', '..');

interface Snippet {
  prefix: string | string[];
  imports?: string[];
  body: string | string[];
  description?: string;
}

const SNIPPETS: Record<string, Snippet> = JSON.parse(readFileSync(join(ROOT, 'snippets', 'go.json'), 'utf8'));

/** Top-level declarations, or statements that go inside a function body. */
function isTopLevel(text: string): boolean {
  const first = text.split('\n').find((l) => l.trim() && !l.trim().startsWith('//')) ?? '';
  return /^(func|var|type|const)\b/.test(first);
}

/**
 * The Go file a snippet lands in. Statement snippets are inserted into a function that has a
 * `ctx` and returns an error; VS Code indents every inserted line to the insertion point.
 */
function asGoFile(text: string): string {
  if (isTopLevel(text)) return goFile(text);
  const indented = text
    .split('\n')
    .map((l) => (l ? `\t${l}` : l))
    .join('\n')
    .replace(/\s*$/, '');
  const fn = `func _(ctx context.Context) error {\n${indented}\n\treturn nil\n}\n`;
  return goFile(fn, 'p', importsFor(fn));
}

const prefixOf = (s: Snippet) => (Array.isArray(s.prefix) ? s.prefix : [s.prefix]);

describe('snippet expansion (VS Code syntax)', () => {
  it('tabstops, placeholders, mirrors, choices, $0', () => {
    assert.equal(expandSnippet('a $1 b ${2} c $0'), 'a  b  c ');
    assert.equal(expandSnippet('${1:foo} and $1 and ${1:bar}'), 'foo and foo and foo');
    assert.equal(expandSnippet('${1:outer ${2:inner}} $2'), 'outer inner inner');
    assert.equal(expandSnippet('"${1|tcp,tcp4,tcp6|}"'), '"tcp"');
    assert.equal(expandSnippet('${0:final}'), 'final');
    assert.deepEqual(tabstops('${1:a} $2 ${3|x,y|} $0'), [0, 1, 2, 3]);
  });

  it('variables, defaults, transforms and escapes', () => {
    const variables = { TM_FILENAME_BASE: 'server', TM_FILENAME: 'server.go' };
    assert.equal(expandSnippet('package $TM_FILENAME_BASE', { variables }), 'package server');
    assert.equal(expandSnippet('${TM_FILENAME_BASE}_test', { variables }), 'server_test');
    assert.equal(expandSnippet('${UNKNOWN_VAR:fallback}', { variables }), 'fallback');
    assert.equal(expandSnippet('$UNKNOWN_VAR'), 'UNKNOWN_VAR');
    assert.equal(expandSnippet('${TM_FILENAME/(.*)\\.go$/$1/}', { variables }), 'server');
    assert.equal(expandSnippet('cost: \\$5 \\} \\\\ ${1:a\\}b}'), 'cost: $5 } \\ a}b');
    assert.equal(expandSnippet('$ alone and $'), '$ alone and $');
    assert.equal(expandSnippet(['line1', '\tline2']), 'line1\n\tline2');
    assert.throws(() => parseSnippet('${1:unclosed'), SnippetSyntaxError);
  });
});

describe('snippets/go.json', function () {
  this.timeout(180000);
  before(async () => {
    await ensureReady();
  });

  it("each lists the imports its body needs (the language server's completion adds them; no static contribution)", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    assert.equal(pkg.contributes?.snippets, undefined);
    for (const [name, s] of Object.entries(SNIPPETS)) {
      const expanded = expandSnippet(s.body, { variables: { TM_FILENAME_BASE: 'main' } });
      assert.deepEqual(s.imports, importsFor(expanded).sort(), `${name}: "imports" must list what the body uses`);
    }
  });

  it('has the required snippets, each found by a plain word (httpclient) and by a "cd" prefix (cdhttpclient), and descriptions', () => {
    const prefixes = Object.values(SNIPPETS).flatMap(prefixOf);
    assert.equal(new Set(prefixes).size, prefixes.length, 'duplicate prefix');
    for (const s of Object.values(SNIPPETS)) {
      const [plain, cd] = prefixOf(s);
      // VS Code's suggest filter needs the typed word to match from the prefix's start: "httpclient"
      // does not find "cdhttpclient", so each snippet also has the plain word.
      assert.match(plain, /^[a-z]{8,14}$/, plain);
      assert.ok(!plain.startsWith('cd'), plain);
      assert.equal(cd, `cd${plain.replace(/timeout$/, '')}`);
    }
    for (const want of [
      'cdtcpserver',
      'cddial',
      'cdreadloop',
      'cdhttpclient',
      'cdhttpserver',
      'cdhalfclose',
      'cdsyscallconn',
      'cdcancelread',
    ]) {
      assert.ok(prefixes.includes(want), `missing ${want}`);
    }
    for (const [name, s] of Object.entries(SNIPPETS)) {
      assert.ok(s.description?.startsWith('Go Conn Doctor: '), `${name}: description`);
      assert.ok(Array.isArray(s.body) && s.body.length > 1, `${name}: body lines`);
      for (const line of s.body as string[]) {
        assert.ok(!/^ +\S/.test(line), `${name}: indent with tabs, not spaces: ${JSON.stringify(line)}`);
        assert.ok(!/[ \t]$/.test(line), `${name}: trailing whitespace: ${JSON.stringify(line)}`);
      }
      const stops = tabstops(s.body);
      assert.ok(stops.includes(0), `${name}: no final tabstop $0`);
    }
  });

  it('states the Go version each snippet needs ($GOROOT/api)', function () {
    const api = loadGoApi();
    if (!api) this.skip();
    for (const [name, s] of Object.entries(SNIPPETS)) {
      const need = requiredGo(api!, expandSnippet(s.body));
      const said = /Go (1\.\d+)\+/.exec(s.description ?? '')?.[1];
      assert.equal(said, need.version, `${name}: description says Go ${said}+, code needs Go ${need.version} (${need.because})`);
    }
  });

  it('expanded with defaults: gofmt-clean and go vet clean', function () {
    if (!haveGo()) this.skip();
    const files: Record<string, string> = {};
    for (const [name, s] of Object.entries(SNIPPETS))
      files[name] = asGoFile(expandSnippet(s.body, { variables: { TM_FILENAME_BASE: 'main' } }));
    const r = checkGo(files);
    const show = (k: string) => `--- ${k} ---\n${files[k]}`;
    assert.deepEqual(r.gofmt, [], `not gofmt-clean:\n${r.gofmt.map(show).join('\n')}`);
    assert.deepEqual([...r.vet], [], [...r.vet].map(([k, v]) => `${v}\n${files[k] ? show(k) : ''}`).join('\n'));
  });

  it('expanded with defaults: no findings from any of our rules', () => {
    assert.ok(allRules.length > 0);
    const problems: string[] = [];
    for (const [name, s] of Object.entries(SNIPPETS)) {
      const text = asGoFile(expandSnippet(s.body));
      const findings = analyzeFiles([{ path: `/snippets/${prefixOf(s)[0]}/snippet.go`, text }], [], { goVersion: '1.26' });
      for (const f of findings) problems.push(`${name}: ${f.rule} at line ${f.range.start.line + 1}: ${f.message}`);
    }
    assert.deepEqual(problems, []);
  });
});
