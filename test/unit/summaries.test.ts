// Cross-package summaries: finding an imported package's source the way the go command does
// (GOROOT, the workspace module, vendor/, replace, the module cache with its case-encoded paths),
// learning what its functions do with a connection, and caching that on disk.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeFiles, ensureReady } from '../../src/analysis/engine';
import { analyzeDir } from '../../src/analysis/project';
import { clearGoModCache, parseGoMod } from '../../src/analysis/facts/gomod';
import { escapeModulePath, goEnv, resolveImport, setGoEnv } from '../../src/analysis/facts/modules';
import { buildsHere } from '../../src/analysis/facts/buildtags';
import { configureSummaryCache, resetSummaries, summaryStats } from '../../src/analysis/facts/summaries';
import { wants } from './helpers/wants';

function write(root: string, files: Record<string, string>): void {
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(root, p, '..'), { recursive: true });
    writeFileSync(join(root, p), text);
  }
}

/** Findings of `rule` per 1-based line, checked against the file's `// want` comments. */
function check(path: string, text: string, findings: { file: string; range: { start: { line: number } }; message: string }[]): string[] {
  const problems: string[] = [];
  const got = findings.filter((f) => f.file === path);
  for (const [line, res] of wants(text)) {
    const here = got.filter((f) => f.range.start.line === line);
    for (const re of res) if (!here.some((f) => re.test(f.message))) problems.push(`${line + 1}: no finding matching ${re}`);
  }
  for (const f of got) if (!wants(text).has(f.range.start.line)) problems.push(`${f.range.start.line + 1}: unexpected ${f.message}`);
  return problems;
}

describe('go.mod require/replace', () => {
  it('reads require and replace lines and blocks', () => {
    const m = parseGoMod(
      [
        'module example.com/app',
        'go 1.22',
        'require github.com/BurntSushi/toml v1.3.2',
        'require (',
        '\tgithub.com/hashicorp/yamux v0.1.2 // indirect',
        '\tgolang.org/x/net v0.63.0',
        ')',
        'replace github.com/hashicorp/yamux => github.com/fatedier/yamux v0.0.0-20250825093530-d0154be01cd6',
        'replace (',
        '\texample.com/lib => ../lib',
        '\tgolang.org/x/net v0.63.0 => golang.org/x/net v0.62.0',
        ')',
      ].join('\n'),
    );
    assert.equal(m.requires?.get('github.com/BurntSushi/toml'), 'v1.3.2');
    assert.equal(m.requires?.get('github.com/hashicorp/yamux'), 'v0.1.2');
    assert.deepEqual(m.replaces?.get('github.com/hashicorp/yamux'), {
      path: 'github.com/fatedier/yamux',
      version: 'v0.0.0-20250825093530-d0154be01cd6',
    });
    assert.deepEqual(m.replaces?.get('example.com/lib'), { path: '../lib', version: undefined });
    assert.deepEqual(m.replaces?.get('golang.org/x/net@v0.63.0'), { path: 'golang.org/x/net', version: 'v0.62.0' });
  });
});

describe('import resolution', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'cd-mods-'));
    const go = (pkg: string) => `package ${pkg}\n`;
    write(root, {
      'goroot/src/net/http/client.go': go('http'),
      'modcache/github.com/!burnt!sushi/toml@v1.3.2/decode.go': go('toml'),
      'modcache/github.com/fatedier/yamux@v0.0.1-!r!c/mux.go': go('yamux'),
      'modcache/golang.org/x/net@v0.62.0/proxy/proxy.go': go('proxy'),
      'app/go.mod': [
        'module example.com/app',
        'go 1.22',
        'require (',
        '\tgithub.com/BurntSushi/toml v1.3.2',
        '\tgithub.com/hashicorp/yamux v0.1.2',
        '\tgolang.org/x/net v0.63.0',
        '\texample.com/lib v1.0.0',
        '\texample.com/absent v1.0.0',
        ')',
        'replace github.com/hashicorp/yamux => github.com/fatedier/yamux v0.0.1-RC',
        'replace golang.org/x/net v0.63.0 => golang.org/x/net v0.62.0',
        'replace example.com/lib => ../lib',
      ].join('\n'),
      'app/internal/dial/dial.go': go('dial'),
      'app/cmd/main.go': go('main'),
      'lib/lib.go': go('lib'),
      'vendored/go.mod': 'module example.com/vendored\ngo 1.22\nrequire github.com/BurntSushi/toml v1.3.2\n',
      'vendored/vendor/modules.txt': '# github.com/BurntSushi/toml v1.3.2\n',
      'vendored/vendor/github.com/BurntSushi/toml/decode.go': go('toml'),
    });
    setGoEnv({ goroot: join(root, 'goroot'), modcache: join(root, 'modcache'), goVersion: 'go1.26.8' });
    clearGoModCache();
  });
  after(() => {
    setGoEnv(null);
    clearGoModCache();
    rmSync(root, { recursive: true, force: true });
  });

  it('case-encodes module paths like the module cache', () => {
    assert.equal(escapeModulePath('github.com/BurntSushi/toml'), 'github.com/!burnt!sushi/toml');
    assert.equal(escapeModulePath('v0.0.1-RC'), 'v0.0.1-!r!c');
  });

  it('finds std, workspace, replaced, required, vendored packages; nothing for absent ones', () => {
    const from = join(root, 'app', 'cmd');
    const r = (p: string, d = from) => {
      const l = resolveImport(d, p);
      return l && { dir: l.dir.slice(root.length + 1), origin: l.origin, version: l.version };
    };
    assert.deepEqual(r('net/http'), { dir: 'goroot/src/net/http', origin: 'std', version: 'go1.26.8' });
    assert.deepEqual(r('example.com/app/internal/dial'), { dir: 'app/internal/dial', origin: 'workspace', version: null });
    assert.deepEqual(r('example.com/lib'), { dir: 'lib', origin: 'replace', version: null });
    assert.deepEqual(r('github.com/BurntSushi/toml'), {
      dir: 'modcache/github.com/!burnt!sushi/toml@v1.3.2',
      origin: 'module',
      version: 'github.com/BurntSushi/toml@v1.3.2',
    });
    assert.deepEqual(r('github.com/hashicorp/yamux'), {
      dir: 'modcache/github.com/fatedier/yamux@v0.0.1-!r!c',
      origin: 'module',
      version: 'github.com/fatedier/yamux@v0.0.1-RC',
    });
    assert.deepEqual(r('golang.org/x/net/proxy'), {
      dir: 'modcache/golang.org/x/net@v0.62.0/proxy',
      origin: 'module',
      version: 'golang.org/x/net@v0.62.0',
    });
    assert.equal(r('example.com/absent'), null);
    assert.equal(r('github.com/not/required'), null);
    assert.deepEqual(r('github.com/BurntSushi/toml', join(root, 'vendored')), {
      dir: 'vendored/vendor/github.com/BurntSushi/toml',
      origin: 'vendor',
      version: null,
    });
  });

  it('builds only the files the go command builds here', () => {
    assert.equal(buildsHere('/x/conn_windows.go', 'package x\n'), process.platform === 'win32');
    assert.equal(buildsHere('/x/conn_plan9.go', 'package x\n'), false);
    assert.equal(buildsHere('/x/gen.go', '//go:build ignore\n\npackage main\n'), false);
    assert.equal(buildsHere('/x/new.go', '//go:build go1.21\n\npackage x\n'), true);
    assert.equal(
      buildsHere('/x/n.go', '//go:build !windows && (linux || darwin || freebsd)\n\npackage x\n'),
      ['linux', 'darwin', 'freebsd'].includes(process.platform),
    );
    // Legacy `// +build` lines (before Go 1.17): options ORed, commas ANDed, lines ANDed.
    assert.equal(buildsHere('/x/old.go', '// +build plan9 nacl\n\npackage x\n'), false);
    assert.equal(buildsHere('/x/old2.go', '// +build linux,!cgo\n\npackage x\n'), false);
    assert.equal(buildsHere('/x/conn_plan9_test.go', 'package x\n'), false);
    // Nested absurdly deep: not evaluated (built, as the go command would refuse rather than skip it), no stack overflow.
    assert.equal(buildsHere('/x/deep.go', `//go:build ${'('.repeat(50000)}ignore${')'.repeat(50000)}\n\npackage x\n`), true);
  });
});

describe('summaries of real modules from the module cache', function () {
  this.timeout(180000);
  let root: string;
  let cache: string;
  const app = [
    'package app',
    '',
    'import (',
    '\t"net"',
    '\t"time"',
    '',
    '\t"github.com/hashicorp/yamux"',
    '\tproxyproto "github.com/pires/go-proxyproto"',
    ')',
    '',
    'func openMux(addr string, cfg *yamux.Config) (*yamux.Session, error) {',
    '\tconn, err := net.DialTimeout("tcp", addr, 5*time.Second) // want `connection conn from net.DialTimeout is not closed at the return at line 18`',
    '\tif err != nil {',
    '\t\treturn nil, err',
    '\t}',
    '\tsess, err := yamux.Client(conn, cfg)',
    '\tif err != nil {',
    '\t\treturn nil, err',
    '\t}',
    '\treturn sess, nil',
    '}',
    '',
    '// ok: closed when the session cannot be set up.',
    'func okMux(addr string, cfg *yamux.Config) (*yamux.Session, error) {',
    '\tconn, err := net.DialTimeout("tcp", addr, 5*time.Second)',
    '\tif err != nil {',
    '\t\treturn nil, err',
    '\t}',
    '\tsess, err := yamux.Client(conn, cfg)',
    '\tif err != nil {',
    '\t\tconn.Close()',
    '\t\treturn nil, err',
    '\t}',
    '\treturn sess, nil',
    '}',
    '',
    'func withHeader(addr string, h *proxyproto.Header) (net.Conn, error) {',
    '\tc, err := net.DialTimeout("tcp", addr, 5*time.Second) // want `connection c from net.DialTimeout is not closed at the return at line 43`',
    '\tif err != nil {',
    '\t\treturn nil, err',
    '\t}',
    '\tif _, err := h.WriteTo(c); err != nil {',
    '\t\treturn nil, err',
    '\t}',
    '\treturn c, nil',
    '}',
    '',
    "// ok: a third-party function we have no source for keeps today's answer (it may own the conn).",
    'func okUnknown(addr string, f func(net.Conn) error) error {',
    '\tc, err := net.DialTimeout("tcp", addr, 5*time.Second)',
    '\tif err != nil {',
    '\t\treturn err',
    '\t}',
    '\treturn f(c)',
    '}',
    '',
  ].join('\n');

  before(async function () {
    if (spawnSync('go', ['version']).status !== 0) this.skip();
    // Real dependencies through the Go module proxy (a no-op when they are already in the cache).
    const dl = spawnSync('go', ['mod', 'download', 'github.com/hashicorp/yamux@v0.1.2', 'github.com/pires/go-proxyproto@v0.7.0'], {
      encoding: 'utf8',
      env: { ...process.env, GOFLAGS: '-mod=mod' },
    });
    assert.equal(dl.status, 0, `go mod download: ${dl.stderr}`);
    await ensureReady();
    root = mkdtempSync(join(tmpdir(), 'cd-realdeps-'));
    cache = mkdtempSync(join(tmpdir(), 'cd-sumcache-'));
    write(root, {
      'go.mod':
        'module example.com/realdeps\n\ngo 1.22\n\nrequire (\n\tgithub.com/hashicorp/yamux v0.1.2\n\tgithub.com/pires/go-proxyproto v0.7.0\n)\n',
      'app.go': app,
    });
    setGoEnv(null);
    clearGoModCache();
    configureSummaryCache({ dir: cache, disk: true });
    resetSummaries();
  });
  after(() => {
    configureSummaryCache({ dir: undefined, disk: true });
    resetSummaries();
    if (root) rmSync(root, { recursive: true, force: true });
    if (cache) rmSync(cache, { recursive: true, force: true });
  });

  it('the module cache has the dependencies where resolution looks for them', () => {
    const l = resolveImport(root, 'github.com/hashicorp/yamux');
    assert.equal(l?.origin, 'module');
    assert.equal(l?.dir, join(goEnv().modcache!, 'github.com', 'hashicorp', 'yamux@v0.1.2'));
  });

  it('a conn passed to a constructor that fails (yamux.Client) or a writer (proxyproto Header.WriteTo) is still ours', () => {
    const path = join(root, 'app.go');
    const findings = analyzeFiles([{ path, text: app }], [], { rules: ['conn-not-closed'] });
    assert.deepEqual(check(path, app, findings), []);
    const s = summaryStats();
    assert.ok(s.parsedPackages >= 2, `parsed ${JSON.stringify(s)}`);
  });

  it('the summaries are cached on disk and reused without parsing the dependencies again', () => {
    const files = readdirSync(cache, { recursive: true }).filter((f) => String(f).endsWith('.json'));
    assert.ok(files.length >= 2, `cache files: ${files.join(', ')}`);
    resetSummaries();
    const path = join(root, 'app.go');
    const findings = analyzeFiles([{ path, text: app }], [], { rules: ['conn-not-closed'] });
    assert.deepEqual(check(path, app, findings), []);
    const s = summaryStats();
    assert.equal(s.parsedPackages, 0, `parsed again: ${JSON.stringify(s)}`);
    assert.ok(s.diskLoads >= 2, JSON.stringify(s));
  });

  it('without the sources the analysis stays conservative', () => {
    configureSummaryCache({ disk: false });
    resetSummaries();
    const path = join(root, 'nodeps', 'app.go');
    write(root, { 'nodeps/go.mod': 'module example.com/nodeps\n\ngo 1.22\n\nrequire github.com/hashicorp/yamux v9.9.9\n' });
    const text = app.replace(/ \/\/ want .*$/gm, '');
    const findings = analyzeFiles([{ path, text }], [], { rules: ['conn-not-closed'] });
    // yamux v9.9.9 is not on disk and go-proxyproto is not required: both may own the conn.
    assert.deepEqual(
      findings.map((f) => f.message),
      [],
    );
    configureSummaryCache({ disk: true });
  });
});

describe('results name the other packages they learned from', () => {
  it('inputs: go.mod and the sources of the workspace package whose helper was summarized', async () => {
    await ensureReady();
    const root = mkdtempSync(join(tmpdir(), 'cd-inputs-'));
    try {
      write(root, {
        'go.mod': 'module example.com/in\n\ngo 1.22\n',
        'dial/dial.go': 'package dial\n\nimport "net"\n\nfunc Open(a string) (net.Conn, error) { return net.Dial("tcp", a) }\n',
        'app/app.go': [
          'package app',
          '',
          'import (',
          '\t"net"',
          '',
          '\t"example.com/in/dial"',
          ')',
          '',
          'var _ net.Conn',
          '',
          'func ping(a string) error {',
          '\tc, err := dial.Open(a)',
          '\tif err != nil {',
          '\t\treturn err',
          '\t}',
          '\t_, err = c.Write([]byte("x"))',
          '\treturn err',
          '}',
          '',
        ].join('\n'),
      });
      clearGoModCache();
      resetSummaries();
      const r = analyzeDir([join(root, 'app', 'app.go')], { rules: ['conn-not-closed'] });
      assert.deepEqual(
        r.findings.map((f) => f.message),
        ['connection c from dial.Open is not closed at the return at line 17'],
      );
      assert.deepEqual(r.inputs, [join(root, 'dial', 'dial.go'), join(root, 'go.mod')]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
