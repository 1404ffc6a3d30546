// The body of code-shim.js: accepts the arguments @vscode/test-electron passes to a desktop VS Code
// and runs the same extension tests in code-server's extension host instead.
import * as path from 'node:path';
import { runInHost } from './inhost';
import { ensureCodeServer } from './install';
import { CodeServer } from './server';

export interface ShimArgs {
  dev: string[];
  tests?: string;
  folder?: string;
}

export function parseArgs(argv: string[]): ShimArgs {
  const out: ShimArgs = { dev: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const m = /^--([^=]+)(?:=(.*))?$/.exec(a);
    if (!m) {
      out.folder ??= path.resolve(a);
      continue;
    }
    const [, key, inline] = m;
    const value = () => inline ?? argv[++i];
    if (key === 'extensionDevelopmentPath') out.dev.push(path.resolve(value()));
    else if (key === 'extensionTestsPath') out.tests = path.resolve(value());
    else if (key === 'user-data-dir' || key === 'extensions-dir' || key === 'folder-uri' || key === 'file-uri') {
      if (inline === undefined) i++;
    }
    // desktop-only switches (--no-sandbox, --disable-extensions, --skip-welcome, ...) do not apply
  }
  return out;
}

export async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (!args.tests) {
    console.error('code-shim: need --extensionTestsPath=<tests module> (and usually --extensionDevelopmentPath=<extension>)');
    return 2;
  }
  const install = await ensureCodeServer();
  const server = await CodeServer.start(install, { name: 'shim' });
  try {
    const r = await runInHost({
      server,
      folder: args.folder,
      extensionDevelopmentPath: args.dev.length ? args.dev : undefined,
      extensionTestsPath: args.tests,
      echo: true,
      timeoutMs: Number(process.env.CONNDOCTOR_SHIM_TIMEOUT_MS ?? 300_000),
    });
    console.log(`code-shim: extension tests finished with code ${r.exitCode} after ${(r.ms / 1000).toFixed(1)} s`);
    if (r.exitCode === -1) console.error(`code-shim: no result; server log:\n${server.log().slice(-4000)}`);
    return r.exitCode === 0 ? 0 : 1;
  } finally {
    await server.stop();
  }
}
