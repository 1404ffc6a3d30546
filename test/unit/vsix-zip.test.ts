// The VSIX test reads the package with yauzl: entries (names, sizes) and contents, stored or
// deflated, from a zip written by another implementation (Python's zipfile).
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listZip, readZipEntry } from '../integration/harness/vsix';

const havepython = spawnSync('python3', ['--version']).status === 0;

describe('VSIX zip reading (yauzl)', function () {
  let dir: string;
  let zip: string;
  const big = 'package main\n'.repeat(5000);
  before(function () {
    if (!havepython) this.skip();
    dir = mkdtempSync(join(tmpdir(), 'cd-zip-'));
    zip = join(dir, 'x.vsix');
    writeFileSync(join(dir, 'big.txt'), big);
    const py = [
      'import sys, zipfile',
      'z = zipfile.ZipFile(sys.argv[1], "w")',
      'z.writestr(zipfile.ZipInfo("extension/package.json"), \'{"main": "./dist/extension.js"}\')',
      'z.write(sys.argv[2], "extension/dist/big.txt", compress_type=zipfile.ZIP_DEFLATED)',
      'z.writestr("extension/媒体/说明.md", "中文")',
      'z.close()',
    ].join('\n');
    const r = spawnSync('python3', ['-c', py, zip, join(dir, 'big.txt')], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('lists every entry with its size, and reads stored and deflated ones', async () => {
    const entries = await listZip(zip);
    assert.deepEqual(
      entries.map((e) => e.name),
      ['extension/package.json', 'extension/dist/big.txt', 'extension/媒体/说明.md'],
    );
    const bigEntry = entries.find((e) => e.name.endsWith('big.txt'))!;
    assert.equal(bigEntry.size, Buffer.byteLength(big));
    assert.ok(bigEntry.compressedSize < bigEntry.size / 10, 'deflated');
    assert.equal(JSON.parse((await readZipEntry(zip, 'extension/package.json')).toString('utf8')).main, './dist/extension.js');
    assert.equal((await readZipEntry(zip, 'extension/dist/big.txt')).toString('utf8'), big);
    assert.equal((await readZipEntry(zip, 'extension/媒体/说明.md')).toString('utf8'), '中文');
  });

  it('says which entry is missing, and rejects what is not a zip', async () => {
    await assert.rejects(readZipEntry(zip, 'extension/nope'), /no entry extension\/nope/);
    const notZip = join(dir, 'not.vsix');
    writeFileSync(notZip, 'hello');
    await assert.rejects(listZip(notZip));
  });
});
