// Small shared helpers for the real-VS-Code harness: repo paths, process spawning with captured
// output, timing, polling, and an environment scrubbed of anything that would make code-server
// or npm behave differently from a clean terminal.
import { spawn, type SpawnOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

/** Repository root (this file lives in test/integration/harness/). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
/**
 * Ignored cache folder for code-server and other one-time downloads (.gitignore has `.cache/`);
 * CONNDOCTOR_CACHE_DIR moves it (e.g. to share one install between checkouts).
 */
export const CACHE_DIR = process.env.CONNDOCTOR_CACHE_DIR ? path.resolve(process.env.CONNDOCTOR_CACHE_DIR) : path.join(REPO_ROOT, '.cache');
/** Screenshots and logs of the integration run (ignored, not committed). */
export const RESULTS_DIR = path.join(REPO_ROOT, 'test-results', 'integration');

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Seconds since `t0` (a Date.now() value), formatted like "1.23". */
export const secondsSince = (t0: number): string => ((Date.now() - t0) / 1000).toFixed(2);

/** Poll `fn` until it returns a truthy value or `timeoutMs` passes. */
export async function waitUntil<T>(fn: () => T | Promise<T>, timeoutMs: number, what: string, intervalMs = 50): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** A free TCP port on 127.0.0.1 (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/**
 * process.env without the variables that leak from the surrounding tool:
 * - npm's per-script variables (npm_package_*, npm_lifecycle_*, npm_config_local_prefix/prefix):
 *   a nested `npm install` would otherwise resolve against this repo instead of its own folder;
 * - VS Code terminal variables (VSCODE_IPC_HOOK_CLI etc.): with them code-server's CLI forwards
 *   `--install-extension` to the VS Code the developer is typing in instead of running itself;
 * - NODE_OPTIONS loaders (tsx) that would be inherited by the extension host.
 * VSCODE_TEST_OPTIONS (how @vscode/test-cli configures its in-host runner) is kept.
 */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_(package|lifecycle)_/i.test(k)) continue;
    if (/^npm_config_(local_prefix|prefix|global_prefix)$/i.test(k)) continue;
    if (/^VSCODE_/.test(k) && k !== 'VSCODE_TEST_OPTIONS') continue;
    if (k === 'ELECTRON_RUN_AS_NODE' || k === 'INIT_CWD') continue;
    if (k === 'NODE_OPTIONS' && v && /tsx|--(require|import|loader)/.test(v)) continue;
    env[k] = v;
  }
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
  ms: number;
}

/**
 * Run a command, capturing stdout+stderr (interleaved) and appending it to `logFile` if given.
 * Never throws for a non-zero exit; see `mustRun`.
 */
export function run(
  cmd: string,
  args: string[],
  opts: SpawnOptions & { logFile?: string; timeoutMs?: number; echo?: boolean } = {},
): Promise<RunResult> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: string[] = [];
    const log = opts.logFile ? fs.openSync(opts.logFile, 'a') : undefined;
    if (log !== undefined) fs.writeSync(log, `\n$ (cd ${opts.cwd ?? process.cwd()} && ${cmd} ${args.join(' ')})\n`);
    const onData = (d: Buffer) => {
      const s = d.toString();
      chunks.push(s);
      if (log !== undefined) fs.writeSync(log, s);
      if (opts.echo) process.stderr.write(s);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    let timer: NodeJS.Timeout | undefined;
    if (opts.timeoutMs) timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      if (log !== undefined) fs.closeSync(log);
      reject(e);
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (log !== undefined) fs.closeSync(log);
      resolve({ code, signal, output: chunks.join(''), ms: Date.now() - t0 });
    });
  });
}

/** The last `n` lines of `text`, for error messages. */
export const tail = (text: string, n = 40): string => text.trimEnd().split('\n').slice(-n).join('\n');

/** Like `run`, but throws an error naming the step, the command and the output's tail on failure. */
export async function mustRun(step: string, cmd: string, args: string[], opts: Parameters<typeof run>[2] = {}): Promise<RunResult> {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) {
    throw new Error(
      `${step} failed (exit ${r.code ?? r.signal}): ${cmd} ${args.join(' ')}\n` +
        `  in ${opts.cwd ?? process.cwd()}${opts.logFile ? `\n  full log: ${opts.logFile}` : ''}\n${tail(r.output)}`,
    );
  }
  return r;
}

const tempDirs = new Set<string>();
/**
 * Remove `dir` when the process exits, even when the run is interrupted (normal teardown removes
 * it earlier and calls forgetTempDir). CONNDOCTOR_KEEP_TMP=1 keeps everything for inspection.
 */
export function removeOnExit(dir: string): string {
  if (!tempDirs.size) {
    process.once('exit', () => {
      if (process.env.CONNDOCTOR_KEEP_TMP === '1') return;
      for (const d of tempDirs) {
        try {
          fs.rmSync(d, { recursive: true, force: true });
        } catch {
          /* a dying process still writes there */
        }
      }
    });
  }
  tempDirs.add(dir);
  return dir;
}
export const forgetTempDir = (dir: string): void => {
  tempDirs.delete(dir);
};

/** Directory `name` under `parent`, emptied first. */
export function freshDir(...parts: string[]): string {
  const dir = path.join(...parts);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}
