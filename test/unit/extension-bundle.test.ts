// The extension host never runs the analyzer: the extension's bundle must not contain it (nor the
// tree-sitter runtime). The analysis lives in the language server (dist/cli.js lsp), a process of
// its own. Bundled here the way esbuild.mjs bundles dist/extension.js, and the inputs inspected.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as esbuild from 'esbuild';

const ROOT = join(__dirname, '..', '..');

describe('extension bundle', function () {
  this.timeout(60_000);

  it('holds the language client and nothing of the analyzer, the knowledge cards or tree-sitter', async () => {
    const r = await esbuild.build({
      entryPoints: [join(ROOT, 'src', 'vscode', 'extension.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['vscode'],
      write: false,
      metafile: true,
      logLevel: 'silent',
      define: { 'import.meta.url': '__importMetaUrl' },
    });
    const inputs = Object.keys(r.metafile.inputs).map((p) => relative(ROOT, join(ROOT, p)).split('\\').join('/'));
    assert.ok(
      inputs.some((p) => p.includes('node_modules/vscode-languageclient/')),
      'the language client is in',
    );
    const forbidden = inputs.filter(
      (p) =>
        p.startsWith('src/analysis/') ||
        p.startsWith('src/knowledge/') ||
        (p.startsWith('src/server/') && p !== 'src/server/protocol.ts') ||
        p.includes('node_modules/web-tree-sitter/') ||
        p.includes('node_modules/tree-sitter-go/') ||
        p.includes('node_modules/vscode-languageserver/'),
    );
    assert.deepEqual(forbidden, [], 'the extension host must not load the analyzer');
  });

  it('the built dist/extension.js has no tree-sitter runtime or rule code in it', function () {
    const file = join(ROOT, 'dist', 'extension.js');
    if (!existsSync(file)) this.skip(); // npm test builds before the tests
    const text = readFileSync(file, 'utf8');
    for (const marker of ['tree-sitter.wasm', 'ts_parser_new', 'descendantsOfType', 'parseGo('])
      assert.ok(!text.includes(marker), `found "${marker}"`);
  });
});
