// Bundles the extension host entry, the CLI and the webview, and copies the WASM the parser needs
// next to them: the package ships its grammar and never fetches anything at run time.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, existsSync, chmodSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
mkdirSync('dist', { recursive: true });
copyFileSync(require.resolve('web-tree-sitter/tree-sitter.wasm'), 'dist/tree-sitter.wasm');
copyFileSync(require.resolve('tree-sitter-go/tree-sitter-go.wasm'), 'dist/tree-sitter-go.wasm');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // parser.ts falls back to require.resolve only when running from source; bundles find the WASM beside them.
  logOverride: { 'require-resolve-not-external': 'silent' },
  // web-tree-sitter's CommonJS build calls createRequire(import.meta.url); give it a real URL.
  define: { 'import.meta.url': '__importMetaUrl' },
  banner: { js: "const __importMetaUrl = require('url').pathToFileURL(__filename).href;" },
};
const builds = [
  { ...common, entryPoints: ['src/vscode/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { ...common, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', banner: { js: `#!/usr/bin/env node\n${common.banner.js}` } },
  { ...common, entryPoints: ['src/analysis/worker.ts'], outfile: 'dist/worker.js' },
  // `conndoctor lsp` (cli.js loads it only for that command)
  { ...common, entryPoints: ['src/server/server.ts'], outfile: 'dist/server.js' },
  { ...common, entryPoints: ['src/server/worker.ts'], outfile: 'dist/server-worker.js' },
];
if (existsSync('src/sockets/worker.ts')) {
  builds.push({ ...common, entryPoints: ['src/sockets/worker.ts'], outfile: 'dist/sockets-worker.js' });
}
if (existsSync('media/webview.ts')) {
  // The Live Sockets webview: dist/webview.js + dist/webview.css (its CSS and uPlot's), and the codicon font
  // beside them; the webview loads nothing else and nothing remote.
  builds.push({
    bundle: true,
    platform: 'browser',
    target: 'chrome120',
    format: 'iife',
    sourcemap: !production,
    minify: production,
    logLevel: 'warning',
    entryPoints: ['media/webview.ts'],
    outfile: 'dist/webview.js',
  });
  copyFileSync(require.resolve('@vscode/codicons/dist/codicon.css'), 'dist/codicon.css');
  copyFileSync(require.resolve('@vscode/codicons/dist/codicon.ttf'), 'dist/codicon.ttf');
}
if (watch) {
  await Promise.all(builds.map(async (b) => (await esbuild.context(b)).watch()));
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  chmodSync('dist/cli.js', 0o755);
}
