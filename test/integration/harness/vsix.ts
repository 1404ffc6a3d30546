// Packaging checks: build the VSIX with the project's own `npm run package` script, list and read
// its entries (a VSIX is a zip, read with yauzl) and check it holds only what runs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import yauzl from 'yauzl';
import { cleanEnv, mustRun, REPO_ROOT } from './util';

export const MAX_VSIX_BYTES = 3 * 1024 * 1024;

export interface ZipEntry {
  name: string;
  /** Uncompressed size in bytes. */
  size: number;
  compressedSize: number;
}

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true, autoClose: false }, (err, zip) => (err ? reject(err) : resolve(zip))),
  );
}

/** Calls `each` for every entry of the zip, in central-directory order; stops when it returns true. */
async function walkZip(file: string, each: (e: yauzl.Entry, zip: yauzl.ZipFile) => Promise<boolean> | boolean): Promise<void> {
  const zip = await openZip(file);
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', reject);
      zip.on('end', () => resolve());
      zip.on('entry', (e: yauzl.Entry) => {
        Promise.resolve(each(e, zip)).then((stop) => (stop ? resolve() : zip.readEntry()), reject);
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
}

/** Entries of a zip file (yauzl checks the central directory, names and sizes). */
export async function listZip(file: string): Promise<ZipEntry[]> {
  const out: ZipEntry[] = [];
  await walkZip(file, (e) => {
    out.push({ name: e.fileName, size: e.uncompressedSize, compressedSize: e.compressedSize });
    return false;
  });
  return out;
}

/** Content of one entry. */
export async function readZipEntry(file: string, name: string): Promise<Buffer> {
  let data: Buffer | null = null;
  await walkZip(file, async (e, zip) => {
    if (e.fileName !== name) return false;
    const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) =>
      zip.openReadStream(e, (err, s) => (err ? reject(err) : resolve(s))),
    );
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    data = Buffer.concat(chunks);
    return true;
  });
  if (!data) throw new Error(`${file}: no entry ${name}`);
  return data;
}

/** What may be inside the VSIX's extension/ folder (everything else is a packaging mistake). */
export const ALLOWED_IN_VSIX: RegExp[] = [
  /^package\.json$/,
  /^package\.nls(\.[\w-]+)?\.json$/,
  /^readme\.md$/i,
  /^changelog\.md$/i,
  /^license(\.(md|txt))?$/i,
  /^dist\/[\w.-]+\.(js|wasm|css|ttf)$/,
  /^snippets\/[\w.-]+\.json$/,
  /^media\/.+\.(png|svg|gif|jpg|webp|css|md|woff2?)$/,
  /^l10n\/bundle\.l10n(\.[\w-]+)?\.json$/,
  // rule pages: "Learn more" opens them offline
  /^docs\/rules\/[\w-]+\.md$/,
];
/** Must be inside for the extension to work without the development tree. */
export const REQUIRED_IN_VSIX = [
  'package.json',
  'dist/extension.js',
  // the language server the extension starts, its analysis worker and the scan workers
  'dist/cli.js',
  'dist/server.js',
  'dist/server-worker.js',
  'dist/worker.js',
  'dist/tree-sitter.wasm',
  'dist/tree-sitter-go.wasm',
  // the Live Sockets webview
  'dist/webview.js',
  'dist/webview.css',
  'dist/codicon.css',
  'dist/codicon.ttf',
];

/**
 * Files the manifest points at (main, icon, snippets, walkthrough media, view container and
 * command icons): all must be in the VSIX, or the installed extension breaks where the
 * development tree works.
 */
export function referencedFiles(manifest: Record<string, unknown>): string[] {
  const out = new Set<string>();
  const add = (p: unknown) => {
    if (typeof p === 'string' && p && !p.startsWith('$(') && !/^[a-z]+:/i.test(p)) out.add(path.posix.normalize(p.replace(/^\.\//, '')));
    else if (p && typeof p === 'object') for (const v of Object.values(p)) add(v); // { light, dark }
  };
  const m = manifest as { main?: string; browser?: string; icon?: string; contributes?: Record<string, unknown> };
  add(m.main);
  add(m.browser);
  add(m.icon);
  const c = (m.contributes ?? {}) as {
    snippets?: { path?: string }[];
    walkthroughs?: { steps?: { media?: { markdown?: string; image?: unknown; svg?: string } }[] }[];
    viewsContainers?: Record<string, { icon?: unknown }[]>;
    views?: Record<string, { icon?: unknown }[]>;
    commands?: { icon?: unknown }[];
  };
  for (const s of c.snippets ?? []) add(s.path);
  for (const w of c.walkthroughs ?? [])
    for (const st of w.steps ?? []) {
      add(st.media?.markdown);
      add(st.media?.image);
      add(st.media?.svg);
    }
  for (const list of Object.values(c.viewsContainers ?? {})) for (const v of list) add(v.icon);
  for (const list of Object.values(c.views ?? {})) for (const v of list) add(v.icon);
  for (const cmd of c.commands ?? []) add(cmd.icon);
  return [...out].map((p) => (/\.[a-z0-9]+$/i.test(p) ? p : `${p}.js`)).sort(); // "main": "./dist/extension" means .js
}

/** Problems with a VSIX's contents (empty = fine). */
export function vsixProblems(entries: ZipEntry[], bytes: number, manifest?: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (bytes > MAX_VSIX_BYTES) problems.push(`VSIX is ${bytes} bytes, more than ${MAX_VSIX_BYTES}`);
  const inside = entries
    .map((e) => e.name)
    .filter((n) => n.startsWith('extension/'))
    .map((n) => n.slice('extension/'.length))
    .filter((n) => n && !n.endsWith('/'));
  for (const n of inside) if (!ALLOWED_IN_VSIX.some((re) => re.test(n))) problems.push(`unexpected file in VSIX: extension/${n}`);
  for (const n of REQUIRED_IN_VSIX) if (!inside.includes(n)) problems.push(`missing from VSIX: extension/${n}`);
  if (manifest)
    for (const n of referencedFiles(manifest))
      if (!inside.includes(n)) problems.push(`package.json refers to ${n}, which is not in the VSIX`);
  for (const e of entries)
    if (!e.name.startsWith('extension/') && !['extension.vsixmanifest', '[Content_Types].xml'].includes(e.name))
      problems.push(`unexpected top-level entry: ${e.name}`);
  return problems;
}

/**
 * `npm run package -- --out <outFile>` (the script is `vsce package --no-dependencies`; the
 * extra --out wins). stdin is closed so a vsce prompt fails instead of hanging.
 */
export async function packageVsix(outFile: string): Promise<{ file: string; bytes: number; ms: number; output: string }> {
  if (!fs.existsSync(path.join(REPO_ROOT, 'dist', 'extension.js')))
    throw new Error('dist/extension.js is missing: run `npm run build` first');
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.rmSync(outFile, { force: true });
  const r = await mustRun('npm run package', 'npm', ['run', '--silent', 'package', '--', '--out', outFile], {
    cwd: REPO_ROOT,
    env: cleanEnv(),
    timeoutMs: 120_000,
  });
  if (!fs.existsSync(outFile)) throw new Error(`npm run package did not write ${outFile}:\n${r.output}`);
  return { file: outFile, bytes: fs.statSync(outFile).size, ms: r.ms, output: r.output };
}
