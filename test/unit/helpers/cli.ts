// Runs the bundled CLI (dist/cli.js) the way users and CI do: a child process in a directory.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const ROOT = join(__dirname, '..', '..', '..');
export const CLI = join(ROOT, 'dist', 'cli.js');

export interface CliRun {
  code: number | null;
  out: string;
  err: string;
}

/** Colour settings are cleared so output is plain unless a test asks for colour. */
export function runCli(args: string[], cwd = ROOT, env: NodeJS.ProcessEnv = {}, prefix: string[] = []): CliRun {
  if (!existsSync(CLI)) throw new Error('dist/cli.js missing: run npm run build (npm test and npm run test:unit do)');
  const base = { ...process.env };
  for (const k of ['FORCE_COLOR', 'NO_COLOR', 'NODE_DISABLE_COLORS']) delete base[k];
  const [cmd, ...pre] = prefix.length ? prefix : [process.execPath];
  const r = spawnSync(cmd, [...pre, ...(prefix.length ? [process.execPath] : []), CLI, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...base, ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Writes files (path → content) under dir, creating folders. */
export function writeTree(dir: string, files: Record<string, string | Buffer>): void {
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
}

/** A file with one finding of each of conn-not-closed and dial-no-timeout on line 6. */
export const LEAK =
  'package p\n\nimport "net"\n\nfunc F() error {\n\tc, err := net.Dial("tcp", "x:1")\n\tif err != nil {\n\t\treturn err\n\t}\n\t_ = c\n\treturn nil\n}\n';
