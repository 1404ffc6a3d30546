// Starts and stops code-server for tests: a free 127.0.0.1 port, its own process group (server,
// extension hosts, file watcher, pty host), its own user-data / extensions / XDG folders under a
// temp dir (nothing is written to $HOME), the marketplace switched off, and settings that keep
// the editor quiet and deterministic. stop() kills the whole group; a process 'exit' hook and
// signal hooks do the same for servers still running when the test process ends.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CodeServerInstall } from './install';
import { cleanEnv, forgetTempDir, freePort, mustRun, removeOnExit, RESULTS_DIR, sleep, tail } from './util';

/** User settings every test server starts with (overridable per server). */
export const DEFAULT_SETTINGS: Record<string, unknown> = {
  // web VS Code defaults to autoSave afterDelay: an applied quick fix would land on disk
  'files.autoSave': 'off',
  'files.hotExit': 'off',
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'telemetry.telemetryLevel': 'off',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'chat.commandCenter.enabled': false,
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'workbench.editor.enablePreview': false,
  // nothing floating over the text that a click or a hover could land on by accident
  'editor.stickyScroll.enabled': false,
  'editor.minimap.enabled': false,
  // the remote port scanner would forward every port a test program opens
  'remote.autoForwardPorts': false,
};

export interface StartOptions {
  /** Label used for the temp dir and the saved log (test-results/integration/<name>-server.log). */
  name?: string;
  /** Merged over DEFAULT_SETTINGS into the user settings.json. */
  settings?: Record<string, unknown>;
  /** VSIX files installed with `--install-extension` before the server starts. */
  vsix?: string[];
  /** Extra environment for the server; the extension host inherits it. */
  env?: Record<string, string>;
  /** Extra code-server arguments, e.g. ['--locale', 'zh-cn'] (vscode.env.language for l10n tests). */
  args?: string[];
  /** How long to wait for /healthz (default 30 s). */
  startTimeoutMs?: number;
}

const running = new Set<ChildProcess>();

/** Processes of process group `pgid` that are not zombies (Linux: /proc; else kill(-pgid, 0)). */
export function groupMembers(pgid: number): number[] {
  if (process.platform !== 'linux') {
    try {
      process.kill(-pgid, 0);
      return [pgid];
    } catch {
      return [];
    }
  }
  const out: number[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // state ppid pgrp ...
      if (Number(f[2]) === pgid && f[0] !== 'Z') out.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function killGroupSync(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    /* already gone */
  }
}

let hooksInstalled = false;
function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  // whatever happens to the test process, no code-server survives it
  process.on('exit', () => {
    for (const c of running) killGroupSync(c, 'SIGKILL');
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      for (const c of running) killGroupSync(c, 'SIGKILL');
      running.clear();
      if (process.listenerCount(sig) === 1) process.exit(128 + (os.constants.signals[sig] ?? 1));
    });
  }
}

export class CodeServer {
  /** Milliseconds from spawn to /healthz answering. */
  startMs = 0;
  private stopped = false;

  private constructor(
    readonly install: CodeServerInstall,
    readonly name: string,
    readonly port: number,
    /** Temp dir holding data/, extensions/, xdg/, config.yaml, server.log. */
    readonly dir: string,
    private readonly child: ChildProcess,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  get userDataDir(): string {
    return path.join(this.dir, 'data');
  }
  get extensionsDir(): string {
    return path.join(this.dir, 'extensions');
  }
  get logFile(): string {
    return path.join(this.dir, 'server.log');
  }
  get pid(): number {
    return this.child.pid!;
  }

  /** XDG dirs of this server; give them to anything else started for it (e.g. chromium). */
  static xdgEnv(dir: string): Record<string, string> {
    return {
      XDG_CONFIG_HOME: path.join(dir, 'xdg', 'config'),
      XDG_DATA_HOME: path.join(dir, 'xdg', 'data'),
      XDG_CACHE_HOME: path.join(dir, 'xdg', 'cache'),
    };
  }

  static async start(install: CodeServerInstall, opts: StartOptions = {}): Promise<CodeServer> {
    installExitHooks();
    const name = opts.name ?? 'vscode';
    const dir = removeOnExit(fs.mkdtempSync(path.join(os.tmpdir(), `conndoctor-${name}-`)));
    const data = path.join(dir, 'data');
    const exts = path.join(dir, 'extensions');
    fs.mkdirSync(path.join(data, 'User'), { recursive: true });
    fs.mkdirSync(exts, { recursive: true });
    fs.writeFileSync(path.join(data, 'User', 'settings.json'), JSON.stringify({ ...DEFAULT_SETTINGS, ...opts.settings }, null, 2));
    // own config file: code-server would otherwise create ~/.config/code-server/config.yaml
    const config = path.join(dir, 'config.yaml');
    fs.writeFileSync(config, 'auth: none\ncert: false\n');
    const common = ['--config', config, '--user-data-dir', data, '--extensions-dir', exts];
    // EXTENSIONS_GALLERY={} switches the marketplace (open-vsx.org) off: no network lookups
    const env = cleanEnv({ ...CodeServer.xdgEnv(dir), EXTENSIONS_GALLERY: '{}', ...opts.env });

    for (const vsix of opts.vsix ?? []) {
      await mustRun(
        `installing ${path.basename(vsix)} into code-server`,
        process.execPath,
        [install.entry, ...common, '--install-extension', vsix],
        { env, timeoutMs: 120_000, logFile: path.join(dir, 'server.log') },
      );
    }

    const port = await freePort();
    const log = fs.openSync(path.join(dir, 'server.log'), 'a');
    const t0 = Date.now();
    const child = spawn(
      process.execPath,
      [
        install.entry,
        ...common,
        '--auth',
        'none',
        '--bind-addr',
        `127.0.0.1:${port}`,
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
        '--disable-getting-started-override',
        '--ignore-last-opened',
        ...(opts.args ?? []),
      ],
      {
        cwd: dir,
        env,
        detached: true /* own process group */,
        stdio: ['ignore', log, log],
      },
    );
    fs.closeSync(log);
    running.add(child);
    const server = new CodeServer(install, name, port, dir, child);
    child.on('exit', () => running.delete(child));

    const deadline = Date.now() + (opts.startTimeoutMs ?? 30_000);
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        const out = server.log();
        await server.stop();
        throw new Error(`code-server exited during start-up (exit ${child.exitCode ?? child.signalCode}):\n${tail(out)}`);
      }
      try {
        const r = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(2000) });
        if (r.ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        const out = server.log();
        await server.stop();
        throw new Error(`code-server did not answer ${server.url}/healthz within ${opts.startTimeoutMs ?? 30_000} ms:\n${tail(out)}`);
      }
      await sleep(50);
    }
    server.startMs = Date.now() - t0;
    return server;
  }

  /** `vscode-remote://` URI of a server-side path: how the web workbench names files on this server. */
  remoteUri(absPath: string): string {
    return `vscode-remote://127.0.0.1:${this.port}${path.resolve(absPath)}`;
  }

  /**
   * Workbench URL opening `folder`. Development extensions and a tests module travel in the
   * `payload` query parameter (code-server's CLI rejects --extensionDevelopmentPath); the web
   * workbench forwards them to the Node extension host.
   */
  workbenchUrl(opts: { folder?: string; extensionDevelopmentPath?: string | string[]; extensionTestsPath?: string }): string {
    const payload: [string, string][] = [];
    const dev = opts.extensionDevelopmentPath === undefined ? [] : ([] as string[]).concat(opts.extensionDevelopmentPath);
    for (const d of dev) payload.push(['extensionDevelopmentPath', this.remoteUri(d)]);
    if (opts.extensionTestsPath) payload.push(['extensionTestsPath', this.remoteUri(opts.extensionTestsPath)]);
    const q = [opts.folder ? `folder=${encodeURIComponent(path.resolve(opts.folder))}` : 'ew=true'];
    if (payload.length) q.push(`payload=${encodeURIComponent(JSON.stringify(payload))}`);
    return `${this.url}/?${q.join('&')}`;
  }

  /** The server's output so far (includes extension host crashes, not the extension's console). */
  log(): string {
    try {
      return fs.readFileSync(this.logFile, 'utf8');
    } catch {
      return '';
    }
  }

  /** Extension host log files written under the user-data dir (exthost.log, per-extension output). */
  exthostLogs(): { file: string; text: string }[] {
    const out: { file: string; text: string }[] = [];
    const walk = (d: string) => {
      for (const e of fs.existsSync(d) ? fs.readdirSync(d, { withFileTypes: true }) : []) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (/exthost|remoteagent/i.test(p) && p.endsWith('.log')) out.push({ file: p, text: fs.readFileSync(p, 'utf8') });
      }
    };
    walk(path.join(this.userDataDir, 'logs'));
    return out;
  }

  /**
   * Kill the process group and wait until no member is left (SIGTERM, then SIGKILL after 3 s).
   * The server log is kept as test-results/integration/<name>-server.log; the temp dir is removed
   * unless CONNDOCTOR_KEEP_TMP=1.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const pgid = this.child.pid;
    if (pgid !== undefined) {
      killGroupSync(this.child, 'SIGTERM');
      const end = Date.now() + 3000;
      while (groupMembers(pgid).length && Date.now() < end) await sleep(50);
      if (groupMembers(pgid).length) {
        killGroupSync(this.child, 'SIGKILL');
        const end2 = Date.now() + 3000;
        while (groupMembers(pgid).length && Date.now() < end2) await sleep(50);
      }
      const left = groupMembers(pgid);
      running.delete(this.child);
      if (left.length) throw new Error(`code-server process group ${pgid} still has processes after SIGKILL: ${left.join(', ')}`);
    }
    try {
      fs.mkdirSync(RESULTS_DIR, { recursive: true });
      fs.copyFileSync(this.logFile, path.join(RESULTS_DIR, `${this.name}-server.log`));
    } catch {
      // no log
    }
    if (process.env.CONNDOCTOR_KEEP_TMP !== '1') {
      fs.rmSync(this.dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 100 });
      forgetTempDir(this.dir);
    }
  }
}
