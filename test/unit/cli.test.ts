// The conndoctor CLI as users and CI run it: the bundled dist/cli.js in a child process, on real
// trees in temp dirs (links, loops, unreadable files, generated and huge files, broken Go).
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, LEAK, ROOT, runCli as run, writeTree } from './helpers/cli';

describe('conndoctor CLI', function () {
  this.timeout(60000);
  let dir: string;
  before(function () {
    dir = mkdtempSync(join(tmpdir(), 'cd-cli-'));
    // Only dial.go: the rule's fixture folder also holds other packages (subfolders).
    mkdirSync(join(dir, 'pkg'));
    cpSync(join(ROOT, 'test', 'fixtures', 'conn-not-closed', 'dial.go'), join(dir, 'pkg', 'dial.go'));
    writeTree(dir, {
      'go.mod': 'module example.com/cli\n\ngo 1.22\n',
      'clean/ok.go': 'package clean\n\nfunc Add(a, b int) int { return a + b }\n',
      'vendor/x/x.go': 'package x\n\nimport "net"\n\nfunc F() { net.Dial("tcp", "x") }\n',
      'pkg/testdata/bad.go': 'package x\n\nimport "net"\n\nfunc F() { net.Dial("tcp", "x") }\n',
    });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('exit 0 and no output when there is nothing to report', () => {
    const r = run(['clean'], dir);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, '');
    assert.equal(r.err, '');
  });

  it('text: file:line:col: severity: message (rule), a summary by rule on stderr, exit 1; skips vendor/ and testdata/', () => {
    const r = run(['--rules', 'conn-not-closed', './...'], dir);
    assert.equal(r.code, 1, r.err);
    const lines = r.out.trim().split('\n');
    assert.ok(lines.length >= 5, r.out);
    for (const l of lines) assert.match(l, /^pkg\/dial\.go:\d+:\d+: warning: [^:;]+ \(conn-not-closed\)$/);
    assert.ok(!r.out.includes('vendor') && !r.out.includes('testdata'));
    assert.match(
      r.err,
      new RegExp(`^${lines.length} findings in 1 file \\(\\d+ fixable with --fix\\):\\n  conn-not-closed +${lines.length}\\n$`),
    );
    assert.ok(!r.out.includes('\x1b[') && !r.err.includes('\x1b['), 'no colour when not a terminal');
  });

  it('--verbose: the whole message, the line with the finding underlined, the fixes and the docs page', () => {
    const r = run(['--verbose', '--rules', 'dial-no-timeout', 'pkg'], dir);
    assert.equal(r.code, 1, r.err);
    const text = readFileSync(join(dir, 'pkg', 'dial.go'), 'utf8').split('\n');
    const first = r.out.split('\n')[0];
    const m = /^pkg\/dial\.go:(\d+):(\d+): warning: (.*) \(dial-no-timeout\)$/.exec(first)!;
    assert.ok(m, r.out);
    assert.match(m[3], /: /, 'the full message, explanation included');
    const src = text[Number(m[1]) - 1];
    const shown = src.replace(/\t/g, '    ');
    assert.ok(r.out.includes(`\n    ${shown}\n`), r.out);
    const caret = r.out.split('\n')[2];
    assert.equal(caret.indexOf('^') - 4, src.slice(0, Number(m[2]) - 1).replace(/\t/g, '    ').length, r.out);
    assert.match(r.out, /\n {4}fix: .+ \(--fix applies it\)\n/);
    assert.match(r.out, /\n {4}docs: https:\/\/\S+\/docs\/rules\/dial-no-timeout\.md\n/);
    assert.match(r.err, /analyzed \d+ files? \(.+\) in [\d.]+ s/);
  });

  it('colour on a terminal only: FORCE_COLOR forces it, NO_COLOR turns it off', () => {
    const forced = run(['--rules', 'conn-not-closed', 'pkg'], dir, { FORCE_COLOR: '1' });
    assert.match(forced.out, /\x1b\[1mpkg\/dial\.go:\d+:\d+\x1b\[0m: \x1b\[1;33mwarning\x1b\[0m: .* \x1b\[2m\(conn-not-closed\)\x1b\[0m/);
    assert.match(forced.err, /\x1b\[1m\d+ findings/);
    const off = run(['--rules', 'conn-not-closed', 'pkg'], dir, { FORCE_COLOR: '0' });
    assert.ok(!off.out.includes('\x1b['));
    // A real terminal: script(1) gives the CLI a pty; NO_COLOR must win over it.
    const script = spawnSync('script', ['--version'], { encoding: 'utf8' });
    if (script.status !== 0) return;
    const tty = (env: string) =>
      execFileSync('script', ['-qec', `${env} ${process.execPath} ${CLI} --rules conn-not-closed pkg`, '/dev/null'], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, FORCE_COLOR: undefined, NO_COLOR: undefined },
      }).toString();
    const attempt = (env: string) => {
      try {
        return tty(env);
      } catch (e) {
        return (e as { stdout: string }).stdout;
      }
    };
    assert.match(attempt('env -u FORCE_COLOR -u NO_COLOR'), /\x1b\[1;33mwarning/);
    assert.ok(!attempt('env -u FORCE_COLOR NO_COLOR=1').includes('\x1b['));
  });

  it('json: 1-based positions in UTF-16 and in bytes, rule, severity, fixes', () => {
    const r = run(['--format', 'json', '--rules', 'conn-not-closed', 'pkg'], dir);
    assert.equal(r.code, 1);
    const arr = JSON.parse(r.out) as Array<Record<string, unknown>>;
    const first = arr.find((f) => (f.message as string).includes('conn from net.Dial'))!;
    assert.deepEqual(
      Object.keys(first).sort(),
      [
        'byteColumn',
        'column',
        'endByteColumn',
        'endColumn',
        'endLine',
        'endOffset',
        'file',
        'fixes',
        'line',
        'message',
        'messageId',
        'offset',
        'rule',
        'severity',
      ].sort(),
    );
    assert.equal(first.file, 'pkg/dial.go');
    const text = readFileSync(join(dir, 'pkg', 'dial.go'), 'utf8');
    const lines = text.split('\n');
    const want = lines.findIndex((l) => l.includes('conn, err := net.Dial("tcp", addr) // want'));
    assert.equal(first.line, want + 1);
    assert.equal(first.column, lines[want].indexOf('net.Dial') + 1);
    assert.equal(first.rule, 'conn-not-closed');
    assert.equal(
      Buffer.from(text)
        .subarray(first.offset as number, first.endOffset as number)
        .toString(),
      'net.Dial("tcp", addr)',
    );
    assert.ok(Array.isArray(first.fixes) && (first.fixes as unknown[]).length === 1);
  });

  it('json and text count non-ASCII text before a finding in bytes (byteColumn) and UTF-16 units (column)', () => {
    const work = mkdtempSync(join(tmpdir(), 'cd-utf-'));
    try {
      writeTree(work, { 'u.go': 'package p\n\nimport "net"\n\nfunc F() { /* 连接 🔌 */ net.Dial("tcp", "x") }\n' });
      const j = JSON.parse(run(['--format', 'json', '--rules', 'dial-no-timeout', '.'], work).out);
      const line = '{ /* 连接 🔌 */ net.Dial';
      const prefix = `func F() ${line.slice(0, line.indexOf('net.Dial'))}`;
      assert.equal(j[0].column, prefix.length + 1);
      assert.equal(j[0].byteColumn, Buffer.byteLength(prefix) + 1);
      assert.notEqual(j[0].column, j[0].byteColumn);
      const edit = j[0].fixes[0].edits[0];
      const bytes = readFileSync(join(work, 'u.go'));
      const text = bytes.toString();
      assert.equal(bytes.subarray(edit.offset, edit.endOffset).toString(), text.slice(edit.start, edit.end));
      const t = run(['--rules', 'dial-no-timeout', '.'], work);
      assert.match(t.out, new RegExp(`^u\\.go:5:${j[0].byteColumn}: `));
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('--fix rewrites files so the findings go away, lists each changed file; output parses and is gofmt-clean', () => {
    const work = mkdtempSync(join(tmpdir(), 'cd-fix-'));
    try {
      cpSync(join(dir, 'pkg'), work, { recursive: true });
      writeTree(work, { 'other.go': 'package leak\n\nfunc clean() {}\n' });
      const r = run(['--fix', '--rules', 'conn-not-closed', '.'], work);
      assert.match(r.err, /^conndoctor: fixed dial\.go \(\d+ fixes\)$/m);
      assert.ok(!r.err.includes('other.go'), r.err);
      assert.match(r.err, /^conndoctor: applied \d+ fixes in 1 file$/m);
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

  it('usage errors: one clean line and exit 2', () => {
    const cases: [string[], RegExp][] = [
      [['--format', 'xml', 'pkg'], /^conndoctor: unknown --format xml \(want text, json or sarif\)\n$/],
      [['--rules', 'no-such-rule', 'pkg'], /^conndoctor: unknown rule "no-such-rule" \(see --list-rules\)\n$/],
      [['does/not/exist'], /^conndoctor: does\/not\/exist: no such file or directory\n$/],
      [['--go-version', 'banana', 'pkg'], /^conndoctor: bad --go-version "banana"/],
      [['--max-file-size', 'lots', 'pkg'], /^conndoctor: bad --max-file-size "lots"/],
      [['--bogus'], /^conndoctor: unknown flag --bogus; run "conndoctor help" for the flags\n$/],
      [['--test', 'pkg'], /^conndoctor: unknown flag --test \(did you mean --tests\?\); run "conndoctor help" for the flags\n$/],
      [['--format'], /^conndoctor: flag --format needs a value \(text\|json\|sarif\); run "conndoctor help" for the flags\n$/],
      [['--fix=yes'], /^conndoctor: flag --fix takes no value; run "conndoctor help" for the flags\n$/],
      [['-x'], /^conndoctor: unknown flag -x; run "conndoctor help" for the flags\n$/],
    ];
    for (const [args, want] of cases) {
      const r = run(args, dir);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
      assert.match(r.err, want);
      assert.equal(r.out, '');
    }
  });

  it("help, version and --version; the version is package.json's", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const args of [['version'], ['--version']]) {
      const r = run(args);
      assert.equal(r.code, 0);
      assert.equal(r.out, `conndoctor ${pkg.version}\n`);
    }
    for (const args of [['help'], ['--help'], ['-h']]) {
      const r = run(args);
      assert.equal(r.code, 0);
      assert.match(r.out, /^Usage: conndoctor \[flags\]/);
      for (const flag of ['--format', '--fix', '--include-generated', '--max-file-size', '--verbose', '--list-rules'])
        assert.ok(r.out.includes(flag), flag);
    }
    assert.match(run(['help', 'sockets']).out, /^Usage: conndoctor sockets/);
  });

  it('--list-rules names every rule with its severity and title; the README lists the flag', () => {
    const r = run(['--list-rules']);
    assert.equal(r.code, 0);
    for (const id of ['conn-not-closed', 'body-not-closed', 'defer-before-errcheck', 'closewrite-without-close'])
      assert.match(r.out, new RegExp(`^${id} +(warning|error|info|hint) +\\S`, 'm'));
    assert.match(readFileSync(join(ROOT, 'README.md'), 'utf8'), /--list-rules/);
  });
});

describe('conndoctor CLI: what it reads (walking like go ./..., skipped input, exit status)', function () {
  this.timeout(60000);
  let work: string;
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'cd-walk-'));
  });
  afterEach(() => {
    spawnSync('chmod', ['-R', 'u+rwX', work]);
    rmSync(work, { recursive: true, force: true });
  });

  it('a symlink loop and a dangling link never abort the run; links to directories are not followed', () => {
    writeTree(work, { 'a/leak.go': LEAK, 'outside/far.go': LEAK });
    symlinkSync('..', join(work, 'a', 'up')); // a loop: a/up/a/up/…
    symlinkSync('self', join(work, 'a', 'self')); // a link to itself (ELOOP)
    symlinkSync('missing.go', join(work, 'a', 'gone.go')); // dangling, looks like Go
    symlinkSync('nowhere', join(work, 'a', 'nowhere-dir')); // dangling, not Go: not worth a word
    symlinkSync(join(work, 'outside'), join(work, 'a', 'linked')); // a directory elsewhere
    symlinkSync('leak.go', join(work, 'a', 'alias.go')); // a link to a Go file is read, as go/build does
    const r = run(['--rules', 'dial-no-timeout', './...'], join(work, 'a'));
    assert.equal(r.code, 1, r.err);
    assert.deepEqual(
      r.out
        .trim()
        .split('\n')
        .map((l) => l.split(':')[0]),
      ['alias.go', 'leak.go'],
    );
    assert.match(r.err, /warning: gone\.go: broken symbolic link, skipped/);
    assert.match(r.err, /warning: self: symbolic link loop, skipped|warning: up: symbolic link to a directory, not followed/);
    assert.match(r.err, /warning: linked: symbolic link to a directory, not followed/);
    assert.ok(!r.err.includes('nowhere-dir'), r.err);
    assert.ok(!r.out.includes('far.go'));
  });

  it('a directory named on the command line is followed even when it is a link', () => {
    writeTree(work, { 'real/leak.go': LEAK });
    symlinkSync('real', join(work, 'link'));
    const r = run(['--rules', 'dial-no-timeout', 'link/...'], work);
    assert.equal(r.code, 1, r.err);
    assert.match(r.out, /^link\/leak\.go:6:12: /);
  });

  it('an unreadable file or directory is skipped with a warning (as an unprivileged user); nothing readable: exit 2', function () {
    writeTree(work, { 'p/leak.go': LEAK, 'p/locked.go': LEAK, 'closed/x.go': LEAK });
    chmodSync(join(work, 'p', 'locked.go'), 0o000);
    chmodSync(join(work, 'closed'), 0o000);
    chmodSync(work, 0o755);
    // Root reads everything: run as nobody (setpriv, util-linux), who must be able to read dist/.
    let prefix: string[] = [];
    if (process.getuid?.() === 0) {
      prefix = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];
      if (spawnSync(prefix[0], [...prefix.slice(1), 'test', '-r', CLI]).status !== 0) this.skip();
    }
    const r = run(['--rules', 'dial-no-timeout', './...'], work, {}, prefix);
    assert.equal(r.code, 1, r.err);
    assert.match(r.out, /^p\/leak\.go:6:12: /);
    assert.match(r.err, /warning: closed: permission denied, skipped/);
    assert.match(r.err, /warning: p\/locked\.go: permission denied/);
    const only = run(['p/locked.go'], work, {}, prefix);
    assert.equal(only.code, 2, only.err);
    assert.match(only.err, /nothing analyzed: of 1 Go file, 1 could not be read/);
  });

  it('nothing to analyze is exit 2 with a reason: an empty folder, no Go files, a non-Go file, only tests, only skipped files', () => {
    writeTree(work, {
      'docs/README.md': '# hi\n',
      'notes.txt': 'x',
      'tests/x_test.go': 'package x\n',
      'gen/z.pb.go': `// Code generated by protoc-gen-go. DO NOT EDIT.\n\npackage gen\n`,
      'bin/b.go': Buffer.from([0x70, 0x61, 0, 1, 2]),
    });
    mkdirSync(join(work, 'empty'));
    const cases: [string[], RegExp][] = [
      [['empty'], /^conndoctor: nothing analyzed: no Go files in empty\n$/],
      [['docs/...'], /^conndoctor: nothing analyzed: no Go files in docs\/\.\.\.\n$/],
      [['notes.txt'], /warning: notes\.txt: not a Go file, skipped\nconndoctor: nothing analyzed/],
      [['tests'], /nothing analyzed: only _test\.go files in tests \(--tests analyzes them\)/],
      [['gen'], /nothing analyzed: of 1 Go file, 1 generated \(--include-generated analyzes them\)/],
      [['bin'], /warning: bin\/b\.go: skipped, looks like a binary file[\s\S]*nothing analyzed: of 1 Go file, 1 skipped/],
    ];
    for (const [args, want] of cases) {
      for (const format of ['text', 'json', 'sarif']) {
        const r = run(['--format', format, ...args], work);
        assert.equal(r.code, 2, `${args}: ${r.err}`);
        assert.match(r.err, want);
        if (format === 'text') assert.equal(r.out, '');
        if (format === 'json') assert.equal(r.out, '[]\n');
        if (format === 'sarif') assert.equal(JSON.parse(r.out).runs[0].invocations[0].executionSuccessful, false);
      }
    }
    assert.equal(run(['--tests', 'tests'], work).code, 0);
  });

  it("generated files are skipped by default (Go's exact marker before the package clause), --include-generated takes them", () => {
    const marked = (header: string) => `${header}\npackage p\n\nimport "net"\n\nfunc G() { net.Dial("tcp", "x") }\n`;
    writeTree(work, {
      'leak.go': LEAK,
      'gen.go': marked('// Code generated by stringer; DO NOT EDIT.\n'),
      'gen_crlf.go': marked('// Copyright 2024 X.\n\n// Code generated by mockgen. DO NOT EDIT.\n').replace(/\n/g, '\r\n'),
      'gen_block.go': marked('/*\n// Code generated by x. DO NOT EDIT.\n*/\n'),
      // Not Go's marker: after the package clause, missing the final dot, or without a generator.
      'late.go': 'package p\n\n// Code generated by x. DO NOT EDIT.\n\nimport "net"\n\nfunc G2() { net.Dial("tcp", "x") }\n',
      'nodot.go': marked('// Code generated by x. DO NOT EDIT\n'),
      'bare.go': marked('// Code generated DO NOT EDIT.\n'),
    });
    const files = (r: { out: string }) => [...new Set(r.out.split('\n').flatMap((l) => /^(\S+\.go):\d+:/.exec(l)?.[1] ?? []))].sort();
    const r = run(['--rules', 'dial-no-timeout', '--verbose', '.'], work);
    assert.equal(r.code, 1, r.err);
    assert.deepEqual(files(r), ['bare.go', 'late.go', 'leak.go', 'nodot.go']);
    assert.match(r.err, /gen\.go: skipped, generated/);
    assert.match(r.err, /skipped 3 generated \(--include-generated analyzes them\)/);
    const all = run(['--rules', 'dial-no-timeout', '--include-generated', '.'], work);
    assert.deepEqual(files(all), ['bare.go', 'gen.go', 'gen_block.go', 'gen_crlf.go', 'late.go', 'leak.go', 'nodot.go']);
    // Quiet about generated files unless asked (--verbose).
    assert.ok(!run(['--rules', 'dial-no-timeout', '.'], work).err.includes('generated'));
  });

  it('binary and huge files are skipped with a message, the rest is analyzed; --max-file-size moves the limit', () => {
    writeTree(work, {
      'bin.go': Buffer.from([0x70, 0x61, 0, 1, 2, 3, 0xff]),
      'huge.go': `package p\n${'// x\n'.repeat(600000)}`,
      'mid.go': `package p\n\nimport "net"\n\nfunc M() { net.Dial("tcp", "x") }\n${'// x\n'.repeat(30000)}`,
      'leak.go': LEAK,
    });
    const r = run(['--rules', 'conn-not-closed', '.'], work);
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, /bin\.go: skipped, looks like a binary file/);
    assert.match(r.err, /huge\.go: skipped, 2\.9 MB is over the 2 MB limit \(--max-file-size raises it\)/);
    assert.match(r.out, /leak\.go:6:12: warning: connection c from net\.Dial is not closed/);
    const small = run(['--rules', 'dial-no-timeout', '--max-file-size', '100KB', '.'], work);
    assert.match(small.err, /mid\.go: skipped, 146\.5 KB is over the 100 KB limit/);
    assert.ok(!small.out.includes('mid.go'));
    const none = run(['--rules', 'dial-no-timeout', '--max-file-size', '0', '.'], work);
    assert.match(none.out, /^mid\.go:5:12: /m);
    assert.ok(!none.err.includes('huge.go'), none.err);
  });

  it('syntax errors: file:line:col: syntax error on stderr, the rest of the file and the tree still analyzed, exit status unchanged', () => {
    writeTree(work, {
      'broken.go': 'package p\n\nimport "net"\n\nfunc B() {\n\tnet.Dial("tcp", "x")\n}\n\nfunc C() { x := [1,2 }\n',
      'leak.go': LEAK,
    });
    const r = run(['--rules', 'dial-no-timeout', '.'], work);
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, /^broken\.go:9:12: syntax error near `x := \[1,2`$/m);
    // The whole headline, also past its `: ` (the text line once cut messages there).
    assert.match(
      r.out,
      /^broken\.go:6:2: warning: net\.Dial has no connect timeout: a host that drops SYNs blocks it for about 127 s on Linux \(dial-no-timeout\)$/m,
    );
    assert.match(r.out, /^leak\.go:6:12: /m);
    writeTree(work, { 'leak.go': 'package p\n' });
    const clean = run(['--rules', 'dial-no-timeout', 'leak.go', 'broken.go'], work);
    assert.match(clean.err, /syntax error/);
    assert.equal(clean.code, 1);
    writeTree(work, { 'broken.go': 'package p\n\nfunc C() { x := [1,2 }\n' });
    const only = run(['.'], work);
    assert.equal(only.code, 0, 'a syntax error alone does not fail the run: the build reports it');
  });

  it('a FIFO named .go is not read (it would block)', function () {
    if (spawnSync('mkfifo', ['--version']).status !== 0) this.skip();
    writeTree(work, { 'leak.go': LEAK });
    execFileSync('mkfifo', [join(work, 'pipe.go')]);
    const r = run(['--rules', 'dial-no-timeout', '.'], work);
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, /pipe\.go: not a regular file, skipped/);
  });
});
