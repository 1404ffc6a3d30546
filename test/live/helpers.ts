// Helpers for the live socket tests: build the Go programs under test/live/go once (cached by content hash),
// start them in their own process group, talk to the scriptable `scenario` program over stdin/stdout, and
// stop every process a test started.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const GO_DIR = join(__dirname, 'go');

/** `go build` test/live/go/<name> into os.tmpdir(), reusing the binary while the sources are unchanged. */
export function buildGo(name: string): string {
  const dir = join(GO_DIR, name);
  const h = createHash('sha256');
  for (const f of readdirSync(dir).sort()) if (f.endsWith('.go') || f === 'go.mod') h.update(f).update(readFileSync(join(dir, f)));
  h.update(execFileSync('go', ['version']));
  const outDir = join(tmpdir(), 'conndoctor-live-go');
  mkdirSync(outDir, { recursive: true });
  const bin = join(outDir, `${name}-${h.digest('hex').slice(0, 16)}`);
  if (!existsSync(bin)) {
    const tmp = `${bin}.${process.pid}.tmp`;
    execFileSync('go', ['build', '-o', tmp, '.'], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, CGO_ENABLED: '0' },
    });
    renameSync(tmp, bin);
  }
  return bin;
}

const started = new Set<ChildProcess>();

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // a zombie still answers signal 0; it is gone for our purposes
    const st = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return !/\) [ZX] /.test(st);
  } catch {
    return false;
  }
}

/** Spawns a process in its own process group (detached) and remembers it for stopAll(). */
export function startProcess(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): ChildProcess {
  const cp = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  started.add(cp);
  cp.on('exit', () => started.delete(cp));
  cp.stderr?.resume();
  return cp;
}

/** Kills the process group and waits for the exit. */
export async function stop(cp: ChildProcess): Promise<void> {
  if (cp.pid === undefined) return;
  if (cp.exitCode === null && cp.signalCode === null) {
    const exited = new Promise<void>((r) => cp.once('exit', () => r()));
    try {
      process.kill(-cp.pid, 'SIGKILL');
    } catch {
      try {
        cp.kill('SIGKILL');
      } catch {
        /* gone */
      }
    }
    await Promise.race([exited, sleep(3000)]);
  }
  started.delete(cp);
}

/** Stops every process started through this module; returns the pids (all must be gone afterwards). */
export async function stopAll(): Promise<number[]> {
  const list = [...started];
  await Promise.all(list.map(stop));
  return list.map((c) => c.pid!).filter(Boolean);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function waitFor<T>(
  fn: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 5000,
  stepMs = 50,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await sleep(stepMs);
  }
}

/** The scriptable Go program (test/live/go/scenario). */
export class Scenario {
  readonly cp: ChildProcess;
  private buf = '';
  private waiters: Array<(line: string) => void> = [];
  private lines: string[] = [];

  constructor(bin: string, wrap?: { cmd: string; args: string[] }) {
    this.cp = wrap ? startProcess(wrap.cmd, [...wrap.args, bin]) : startProcess(bin, []);
    this.cp.stdout!.setEncoding('utf8');
    this.cp.stdout!.on('data', (d: string) => {
      this.buf += d;
      let i;
      while ((i = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, i);
        this.buf = this.buf.slice(i + 1);
        const w = this.waiters.shift();
        if (w) w(line);
        else this.lines.push(line);
      }
    });
  }

  get pid(): number {
    return this.cp.pid!;
  }

  /** Sends one command; resolves with the text after "OK", rejects on "ERR". */
  async cmd(line: string, timeoutMs = 10000): Promise<string> {
    this.cp.stdin!.write(`${line}\n`);
    const reply = await new Promise<string>((resolve, reject) => {
      const next = this.lines.shift();
      if (next !== undefined) return resolve(next);
      const t = setTimeout(() => reject(new Error(`scenario: no reply to "${line}"`)), timeoutMs);
      this.waiters.push((l) => {
        clearTimeout(t);
        resolve(l);
      });
    });
    if (!reply.startsWith('OK')) throw new Error(`scenario: "${line}" -> ${reply}`);
    return reply.slice(2).trim();
  }

  async port(cmd: string): Promise<number> {
    return Number(await this.cmd(cmd));
  }

  stop(): Promise<void> {
    return stop(this.cp);
  }
}

/** Line of a `// MARK-<name>` comment in a Go test program (1-based). */
export function markLine(program: string, mark: string): number {
  const lines = readFileSync(join(GO_DIR, program, 'main.go'), 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(`// MARK-${mark}`));
  if (i < 0) throw new Error(`no MARK-${mark} in ${program}`);
  return i + 1;
}

/** `ss -tanH` rows of one pid (for cross-checks): "STATE local remote". */
export function ssRows(pid: number): string[] {
  const out = execFileSync('ss', ['-tanpH'], { encoding: 'utf8', maxBuffer: 256 << 20 });
  return out
    .split('\n')
    .filter((l) => l.includes(`pid=${pid},`))
    .map((l) => {
      const f = l.trim().split(/\s+/);
      return `${f[0]} ${f[3]} ${f[4]}`;
    });
}
