// The conndoctor CLI as users and CI run it: the bundled dist/cli.js in a child process.
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');

function run(args: string[], cwd = ROOT) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('conndoctor CLI', function () {
  this.timeout(60000);
  let dir: string;
  before(function () {
    if (!existsSync(CLI)) throw new Error('dist/cli.js missing: npm test builds it first (npm run build)');
    dir = mkdtempSync(join(tmpdir(), 'cd-cli-'));
    cpSync(join(ROOT, 'test', 'fixtures', 'conn-not-closed'), join(dir, 'pkg'), { recursive: true });
    rmSync(join(dir, 'pkg', 'dial.go.golden'));
    writeFileSync(join(dir, 'go.mod'), 'module example.com/cli\n\ngo 1.22\n');
    mkdirSync(join(dir, 'clean'));
    writeFileSync(join(dir, 'clean', 'ok.go'), 'package clean\n\nfunc Add(a, b int) int { return a + b }\n');
    mkdirSync(join(dir, 'vendor', 'x'), { recursive: true });
    writeFileSync(join(dir, 'vendor', 'x', 'x.go'), 'package x\n\nimport "net"\n\nfunc F() { net.Dial("tcp", "x") }\n');
    mkdirSync(join(dir, 'pkg', 'testdata'), { recursive: true });
    writeFileSync(join(dir, 'pkg', 'testdata', 'bad.go'), 'package x\n\nimport "net"\n\nfunc F() { net.Dial("tcp", "x") }\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('exit 0 and no output when there is nothing to report', () => {
    const r = run(['clean'], dir);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, '');
  });

  it('text output: file:line:col: message (rule), exit 1; skips vendor/ and testdata/', () => {
    const r = run(['--rules', 'conn-not-closed', './...'], dir);
    assert.equal(r.code, 1, r.err);
    const lines = r.out.trim().split('\n');
    assert.ok(lines.length >= 5, r.out);
    for (const l of lines) assert.match(l, /^pkg\/dial\.go:\d+:\d+: .+ \(conn-not-closed\)$/);
    assert.ok(!r.out.includes('vendor') && !r.out.includes('testdata'));
  });

  it('json: 1-based positions, rule, severity, fixes', () => {
    const r = run(['--format', 'json', '--rules', 'conn-not-closed', 'pkg'], dir);
    assert.equal(r.code, 1);
    const arr = JSON.parse(r.out) as Array<Record<string, unknown>>;
    const first = arr.find((f) => (f.message as string).includes('conn from net.Dial'))!;
    assert.deepEqual(
      Object.keys(first).sort(),
      ['column', 'endColumn', 'endLine', 'file', 'fixes', 'line', 'message', 'rule', 'severity'].sort(),
    );
    assert.equal(first.file, 'pkg/dial.go');
    const lines = readFileSync(join(dir, 'pkg', 'dial.go'), 'utf8').split('\n');
    const want = lines.findIndex((l) => l.includes('conn, err := net.Dial("tcp", addr) // want'));
    assert.equal(first.line, want + 1);
    assert.equal(first.column, lines[want].indexOf('net.Dial') + 1);
    assert.equal(first.rule, 'conn-not-closed');
    assert.ok(Array.isArray(first.fixes) && (first.fixes as unknown[]).length === 1);
  });

  it('sarif 2.1.0 with rules, levels and regions', () => {
    const r = run(['--format', 'sarif', 'pkg'], dir);
    const s = JSON.parse(r.out);
    assert.equal(s.version, '2.1.0');
    const run0 = s.runs[0];
    assert.equal(run0.tool.driver.name, 'conndoctor');
    const ids = run0.tool.driver.rules.map((x: { id: string }) => x.id);
    assert.ok(ids.includes('conn-not-closed') && ids.includes('body-not-closed'));
    assert.ok(run0.results.length > 0);
    for (const res of run0.results) {
      assert.ok(ids.includes(res.ruleId));
      assert.equal(ids[res.ruleIndex], res.ruleId);
      assert.ok(['error', 'warning', 'note'].includes(res.level));
      const loc = res.locations[0].physicalLocation;
      assert.equal(loc.artifactLocation.uri, 'pkg/dial.go');
      assert.ok(loc.region.startLine >= 1 && loc.region.startColumn >= 1);
    }
  });

  it('--fix rewrites files so the findings go away; output parses and is gofmt-clean', () => {
    const work = mkdtempSync(join(tmpdir(), 'cd-fix-'));
    try {
      cpSync(join(dir, 'pkg'), work, { recursive: true });
      const r = run(['--fix', '--rules', 'conn-not-closed', '.'], work);
      assert.match(r.err, /applied \d+ fix/);
      const after = run(['--rules', 'conn-not-closed', '.'], work);
      // Only the finding without a safe fix (a discarded connection) may remain.
      const left = after.out.trim().split('\n').filter(Boolean);
      assert.ok(
        left.every((l) => l.includes('discarded')),
        after.out,
      );
      const gofmt = execFileSync('gofmt', ['-l', work], { encoding: 'utf8' });
      assert.equal(gofmt.trim(), '', `not gofmt-clean: ${gofmt}`);
      execFileSync('gofmt', ['-e', join(work, 'dial.go')], { encoding: 'utf8' });
      assert.match(readFileSync(join(work, 'dial.go'), 'utf8'), /defer ln\.Close\(\)/);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('usage and I/O errors exit 2 with a clear message', () => {
    let r = run(['--format', 'xml', 'pkg'], dir);
    assert.equal(r.code, 2);
    assert.match(r.err, /unknown --format xml/);
    r = run(['--rules', 'no-such-rule', 'pkg'], dir);
    assert.equal(r.code, 2);
    assert.match(r.err, /unknown rule "no-such-rule"/);
    r = run(['does/not/exist'], dir);
    assert.equal(r.code, 2);
    assert.match(r.err, /no such file or directory/);
    r = run(['--go-version', 'banana', 'pkg'], dir);
    assert.equal(r.code, 2);
  });

  it('binary and huge files are skipped with a message, the rest is analyzed', () => {
    const work = mkdtempSync(join(tmpdir(), 'cd-bad-'));
    try {
      writeFileSync(join(work, 'bin.go'), Buffer.from([0x70, 0x61, 0, 1, 2, 3, 0xff]));
      writeFileSync(join(work, 'huge.go'), `package p\n${'// x\n'.repeat(600000)}`);
      writeFileSync(
        join(work, 'leak.go'),
        'package p\n\nimport "net"\n\nfunc F() error {\n\tc, err := net.Dial("tcp", "x:1")\n\tif err != nil {\n\t\treturn err\n\t}\n\t_ = c\n\treturn nil\n}\n',
      );
      const r = run(['--rules', 'conn-not-closed', '.'], work);
      assert.equal(r.code, 1, r.err);
      assert.match(r.err, /bin\.go: skipped, looks like a binary file/);
      assert.match(r.err, /huge\.go: skipped, .* MB is over the 2 MB limit/);
      assert.match(r.out, /leak\.go:6:12: connection c from net\.Dial is not closed/);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('--list-rules names every rule', () => {
    const r = run(['--list-rules']);
    assert.equal(r.code, 0);
    for (const id of ['conn-not-closed', 'body-not-closed', 'defer-before-errcheck', 'closewrite-without-close'])
      assert.match(r.out, new RegExp(`^${id}\\s`, 'm'));
  });
});
