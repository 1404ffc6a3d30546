// Every runtime string of the editor side (l10n.t in src/vscode, and in src/server: the language
// server reads the same bundle) has its Simplified Chinese translation in
// l10n/bundle.l10n.zh-cn.json, with the same {0} placeholders.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

describe('editor l10n', () => {
  it('has a zh-cn translation for every vscode.l10n.t string', () => {
    const bundle = JSON.parse(readFileSync(join(ROOT, 'l10n', 'bundle.l10n.zh-cn.json'), 'utf8')) as Record<string, string>;
    const keys: { file: string; key: string }[] = [];
    for (const [dir, f] of ['vscode', 'server'].flatMap((d) =>
      readdirSync(join(ROOT, 'src', d))
        .filter((n) => n.endsWith('.ts'))
        .map((n) => [d, n]),
    )) {
      const src = readFileSync(join(ROOT, 'src', dir, f), 'utf8');
      for (const m of src.matchAll(/l10n\.t\(\s*'((?:\\.|[^'\\])*)'/g))
        keys.push({ file: f, key: m[1].replace(/\\'/g, "'").replace(/\\"/g, '"') });
    }
    assert.ok(keys.length > 10, `found ${keys.length} strings`);
    const missing = keys.filter((k) => !(k.key in bundle)).map((k) => `${k.file}: ${k.key}`);
    assert.deepEqual(missing, []);
    for (const { key } of keys) {
      const ph = (s: string) => (s.match(/\{\d+\}/g) ?? []).sort().join();
      assert.equal(ph(bundle[key]), ph(key), `placeholders of "${key}"`);
    }
  });
});
