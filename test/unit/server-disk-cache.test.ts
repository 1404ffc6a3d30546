// The extension's cache of parsed sibling files (src/server/diskCache.ts): fresh against mtime/size,
// binary and huge files refused, bounded by source size, evicting only in trim() and never the
// files the current analysis uses.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureReady } from '../../src/analysis/engine';
import { DiskCache } from '../../src/server/diskCache';

describe('vscode DiskCache', () => {
  let dir: string;
  before(async () => {
    await ensureReady();
    dir = mkdtempSync(join(tmpdir(), 'cd-disk-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const file = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  it('re-reads a file whose mtime or size changed, keeps the tree otherwise', () => {
    const c = new DiskCache();
    const p = file('a.go', 'package a\n');
    const t1 = c.get(p)!.tree;
    assert.equal(c.get(p)!.tree, t1);
    assert.equal(c.parses, 1);
    writeFileSync(p, 'package a\n\nfunc f() {}\n');
    utimesSync(p, new Date(), new Date(Date.now() + 5000));
    assert.match(c.get(p)!.text, /func f/);
    assert.equal(c.parses, 2);
    c.clear();
  });

  it('refuses binary and missing files', () => {
    const c = new DiskCache();
    assert.equal(c.get(file('bin.go', 'package a\n\u0000\u0001')), null);
    assert.equal(c.get(join(dir, 'missing.go')), null);
    assert.equal(c.size, 0);
  });

  it('trim() evicts least recently used files beyond the budget, sparing `keep`', () => {
    const body = `package a\n\n// ${'x'.repeat(1000)}\n`;
    const c = new DiskCache(2500); // about two files
    const ps = ['p1.go', 'p2.go', 'p3.go', 'p4.go'].map((n) => file(n, body));
    for (const p of ps) assert.ok(c.get(p));
    assert.equal(c.size, 4, 'get() never evicts');
    c.trim(new Set([ps[0]]));
    assert.ok(c.chars <= 2500 + body.length, `chars ${c.chars}`);
    assert.equal(c.parses, 4);
    // p1 was spared, p2 (least recently used besides p1) went.
    c.get(ps[0]);
    assert.equal(c.parses, 4);
    c.get(ps[1]);
    assert.equal(c.parses, 5);
    c.clear();
    assert.equal(c.chars, 0);
  });
});
