// The on-disk result cache (src/analysis/cache.ts): what invalidates an entry, damaged and
// concurrent writes, the size bound, and the CLI reusing results over unchanged code.
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheRoot, ResultCache } from '../../src/analysis/cache';
import { clearGoModCache } from '../../src/analysis/facts/gomod';
import type { DirResult } from '../../src/analysis/project';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');

const LEAK = `package p

import "net"

func talk(addr string) error {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	_, err = c.Write([]byte("hi"))
	return err
}
`;

const result = (n: number): DirResult => ({ findings: [], errors: [`r${n}`], failures: [], bytes: n, files: 1 });

describe('result cache', function () {
  this.timeout(60_000);
  let dir: string;
  let cacheDir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cd-cache-src-'));
    cacheDir = mkdtempSync(join(tmpdir(), 'cd-cache-'));
    writeFileSync(join(dir, 'go.mod'), 'module example.com/p\n\ngo 1.22\n');
    mkdirSync(join(dir, 'p'));
    writeFileSync(join(dir, 'p', 'a.go'), LEAK);
    writeFileSync(join(dir, 'p', 'b.go'), 'package p\n\nfunc helper() {}\n');
    clearGoModCache();
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('is placed by CONNDOCTOR_CACHE, XDG_CACHE_HOME or the OS cache directory, and can be turned off', () => {
    assert.equal(cacheRoot({ CONNDOCTOR_CACHE: '/x/y' }), '/x/y');
    assert.equal(cacheRoot({ CONNDOCTOR_CACHE: 'off' }), null);
    assert.equal(cacheRoot({ XDG_CACHE_HOME: '/xdg' }), join('/xdg', 'conndoctor'));
    assert.match(cacheRoot({}) ?? '', /conndoctor/);
  });

  it('keys on the targets, every sibling, the go.mod version and the options', () => {
    const c = new ResultCache(cacheDir);
    const a = join(dir, 'p', 'a.go');
    const k0 = c.keyFor([a], {});
    assert.ok(k0);
    assert.equal(c.keyFor([a], {}), k0, 'stable');
    writeFileSync(join(dir, 'p', 'b.go'), 'package p\n\nfunc helper() { _ = 1 }\n');
    const k1 = c.keyFor([a], {});
    assert.notEqual(k1, k0, 'a sibling changed');
    writeFileSync(join(dir, 'p', 'a.go'), LEAK.replace('"hi"', '"hello"'));
    const k2 = c.keyFor([a], {});
    assert.notEqual(k2, k1, 'the target changed');
    writeFileSync(join(dir, 'go.mod'), 'module example.com/p\n\ngo 1.14\n');
    clearGoModCache();
    const k3 = c.keyFor([a], {});
    assert.notEqual(k3, k2, 'the go version changed');
    assert.notEqual(c.keyFor([a], { disabled: ['dial-no-timeout'] }), k3, 'the rule set changed');
    assert.notEqual(c.keyFor([a], { severity: { 'conn-not-closed': 'error' } }), k3, 'a severity changed');
    assert.notEqual(c.keyFor([a], { fix: { dialTimeout: 'time.Second' } }), k3, 'a fix setting changed');
    assert.notEqual(c.keyFor([a, join(dir, 'p', 'b.go')], {}), k3, 'other targets');
    writeFileSync(join(dir, 'p', 'c.txt'), 'not Go');
    assert.equal(c.keyFor([a], {}), k3, 'non-Go files do not matter');
    writeFileSync(join(dir, 'p', 'c.go'), 'package p\n');
    assert.notEqual(c.keyFor([a], {}), k3, 'a new Go file in the package');
  });

  it('round-trips results; a damaged entry is a miss and is removed', () => {
    const c = new ResultCache(cacheDir);
    c.put('ab'.repeat(32), result(1));
    assert.deepEqual(c.get('ab'.repeat(32)), result(1));
    const f = join(cacheDir, 'results', 'ab', `${'ab'.repeat(32)}.json`);
    writeFileSync(f, '{"format":1,"res');
    assert.equal(c.get('ab'.repeat(32)), null);
    assert.ok(!existsSync(f), 'the damaged entry is gone');
    assert.equal(c.get('cd'.repeat(32)), null);
  });

  it('keeps no result that a time budget cut short (it depends on the machine, not only the code)', () => {
    const c = new ResultCache(cacheDir);
    c.put('ef'.repeat(32), { ...result(1), incomplete: [{ file: '/p/a.go', message: 'not fully analyzed: too complex' }] });
    c.put('ab'.repeat(32), {
      ...result(2),
      skipped: [{ file: '/p/b.go', reason: 'too-complex', message: 'skipped, too complex to parse' }],
    });
    assert.equal(c.get('ef'.repeat(32)), null);
    assert.equal(c.get('ab'.repeat(32)), null);
    c.put('cd'.repeat(32), { ...result(3), skipped: [{ file: '/p/c.go', reason: 'size', message: 'too big' }] });
    assert.ok(c.get('cd'.repeat(32)));
  });

  it('checks the outside files a result depends on', () => {
    const c = new ResultCache(cacheDir);
    const dep = join(dir, 'dep.go');
    writeFileSync(dep, 'package dep\n');
    c.put('ef'.repeat(32), { ...result(2), inputs: [dep] });
    assert.ok(c.get('ef'.repeat(32)));
    writeFileSync(dep, 'package dep // changed\n');
    assert.equal(c.get('ef'.repeat(32)), null);
  });

  it('survives concurrent writers of the same entries (temporary file + rename)', async () => {
    const script = `
      const { ResultCache } = require(${JSON.stringify(join(ROOT, 'src', 'analysis', 'cache.ts'))});
      const c = new ResultCache(process.argv[1]);
      for (let i = 0; i < 300; i++) c.put(String(i % 10).padStart(64, '0'), { findings: [], errors: [], bytes: Number(process.argv[2]), files: i, big: 'x'.repeat(20000) });
    `;
    const run = (n: number) =>
      new Promise<number | null>((resolve) => {
        const p = spawn(process.execPath, ['-r', 'tsx/cjs', '-e', script, cacheDir, String(n)], { cwd: ROOT, stdio: 'inherit' });
        p.on('exit', resolve);
      });
    const codes = await Promise.all([run(1), run(2), run(3)]);
    assert.deepEqual(codes, [0, 0, 0]);
    const c = new ResultCache(cacheDir);
    for (let i = 0; i < 10; i++) {
      const r = c.get(String(i).padStart(64, '0'));
      assert.ok(r && [1, 2, 3].includes(r.bytes), `entry ${i} is one writer's whole result`);
    }
    const left = readdirSync(join(cacheDir, 'results', '00')).filter((n) => n.endsWith('.tmp'));
    assert.deepEqual(left, [], 'no temporary files left');
  });

  it('trims the least recently used entries beyond its size', () => {
    const c = new ResultCache(cacheDir, 3 * 1024);
    const old = Date.now() / 1000 - 7200;
    for (let i = 0; i < 6; i++) {
      const key = String(i).padStart(64, '1');
      c.put(key, { ...result(i), errors: ['x'.repeat(1000)] });
      const f = join(cacheDir, 'results', key.slice(0, 2), `${key}.json`);
      utimesSync(f, old + i, old + i);
    }
    const r = c.trim(true)!;
    assert.ok(r.bytes <= 3 * 1024, JSON.stringify(r));
    assert.ok(r.deleted >= 3);
    assert.equal(c.get(String(0).padStart(64, '1')), null, 'the oldest went');
    assert.ok(c.get(String(5).padStart(64, '1')), 'the newest stayed');
    assert.equal(c.trim(), null, 'at most once an hour');
  });

  it('the CLI reuses results over unchanged code and notices a change', function () {
    if (!existsSync(CLI)) this.skip();
    const run = () =>
      spawnSync(process.execPath, [CLI, '--format', 'json', '--verbose', './...'], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, CONNDOCTOR_CACHE: cacheDir },
      });
    const first = run();
    assert.equal(first.status, 1, first.stderr);
    assert.match(first.stderr, /0 of 1 package\(s\) from the result cache/);
    const second = run();
    assert.equal(second.stdout, first.stdout, 'the same findings');
    assert.match(second.stderr, /1 of 1 package\(s\) from the result cache/);
    writeFileSync(join(dir, 'p', 'b.go'), 'package p\n\nfunc helper() { _ = 2 }\n');
    const third = run();
    assert.match(third.stderr, /0 of 1 package\(s\) from the result cache/);
    assert.equal(third.stdout, first.stdout);
  });
});
