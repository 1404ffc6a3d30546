// Installs code-server (a real VS Code 1.100.3: server, web workbench and Node extension host) from
// the npm registry into .cache/code-server/ on first use. Offline-safe: only the npm registry is
// contacted. code-server's own postinstall (and @vscode/ripgrep's, argon2's, kerberos') would
// download from GitHub, so every package is installed with --ignore-scripts and the few build
// steps are done here instead: native addons compiled against the local Node headers, ripgrep
// taken from the system (/usr/bin/rg, installed by scripts/test-deps.sh).
//
// Idempotent and fast when already installed: a stamp file is checked (a few stat calls).
// Concurrent runs (several engineers, one tree) wait on a lock file instead of installing twice;
// the install happens in a staging folder that is renamed into place only when complete.
//
// CLI: `npx tsx test/integration/harness/install.ts` (prints the entry path and the timings).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CACHE_DIR, cleanEnv, mustRun, run, secondsSince, sleep, tail } from './util';

export const CODE_SERVER_VERSION = '4.100.3';
/** The VS Code version inside that code-server (what `engines.vscode` must accept). */
export const VSCODE_VERSION = '1.100.3';
/** Bump when the steps below change, so existing caches are rebuilt. */
const RECIPE = 3;

export interface CodeServerInstall {
  /** Folder holding node_modules/code-server. */
  root: string;
  /** node <entry> starts the server (out/node/entry.js). */
  entry: string;
  version: string;
  /** Seconds the install took (0 when it was already there). */
  installSeconds: number;
}

interface Stamp {
  version: string;
  recipe: number;
  nodeAbi: string;
  node: string;
  installedAt: string;
  seconds: number;
  steps: Record<string, number>;
}

const BASE = path.join(CACHE_DIR, 'code-server');
/** Native addons are tied to the Node ABI, so the install folder is per ABI. */
const installDir = () => path.join(BASE, `${CODE_SERVER_VERSION}-node${process.versions.modules}`);
const entryOf = (root: string) => path.join(root, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const stampOf = (root: string) => path.join(root, '.conndoctor-install.json');

/** The native addons the VS Code server loads (Linux); each is `require()`d after the build. */
const NATIVE = [
  'node-pty/build/Release/pty.node',
  '@vscode/spdlog/build/Release/spdlog.node',
  'kerberos/build/Release/kerberos.node',
  'native-watchdog/build/Release/watchdog.node',
  '@parcel/watcher/build/Release/watcher.node',
];

function readStamp(root: string): Stamp | undefined {
  try {
    return JSON.parse(fs.readFileSync(stampOf(root), 'utf8')) as Stamp;
  } catch {
    return undefined;
  }
}

function isInstalled(root: string): boolean {
  const s = readStamp(root);
  return (
    !!s &&
    s.version === CODE_SERVER_VERSION &&
    s.recipe === RECIPE &&
    s.nodeAbi === process.versions.modules &&
    fs.existsSync(entryOf(root))
  );
}

/** Where the Node headers are (node-gyp would otherwise download them from nodejs.org). */
function nodeHeadersDir(): string | undefined {
  const candidates = [process.env.npm_config_nodedir, process.env.NPM_CONFIG_NODEDIR, path.resolve(path.dirname(process.execPath), '..')];
  return candidates.find((d) => d && fs.existsSync(path.join(d, 'include', 'node', 'node.h')));
}

function which(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Everything the install needs from the machine; a clear list of what is missing. */
function preflight(): { nodedir: string; rg: string } {
  const problems: string[] = [];
  const major = Number(process.versions.node.split('.')[0]);
  if (major !== 20) problems.push(`code-server ${CODE_SERVER_VERSION} needs Node 20 (this is Node ${process.versions.node})`);
  const nodedir = nodeHeadersDir();
  if (!nodedir)
    problems.push(`Node headers not found (looked for <prefix>/include/node/node.h next to ${process.execPath}); set npm_config_nodedir`);
  const rg = which('rg');
  if (!rg) problems.push('ripgrep (rg) not on PATH: apt-get install ripgrep');
  for (const tool of ['npm', 'make', 'g++', 'python3']) if (!which(tool)) problems.push(`${tool} not on PATH (build-essential / python3)`);
  if (!fs.existsSync('/usr/include/krb5.h') && !fs.existsSync('/usr/include/krb5/krb5.h'))
    problems.push('Kerberos headers missing: apt-get install libkrb5-dev');
  if (problems.length) {
    throw new Error(
      `cannot install code-server ${CODE_SERVER_VERSION} on this machine (run scripts/test-deps.sh first):\n  - ${problems.join('\n  - ')}`,
    );
  }
  return { nodedir: nodedir!, rg: rg! };
}

/** An exclusive lock (a file holding our pid); a lock left by a dead process is taken over. */
async function withLock<T>(file: string, log: (s: string) => void, fn: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  for (let announced = false; ;) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(fs.readFileSync(file, 'utf8') || 0);
      let alive = false;
      try {
        if (pid > 0) {
          process.kill(pid, 0);
          alive = true;
        }
      } catch {
        /* dead */
      }
      if (!alive) {
        fs.rmSync(file, { force: true });
        continue;
      }
      if (!announced) {
        log(`another process (pid ${pid}) is installing code-server; waiting for it`);
        announced = true;
      }
      if (Date.now() - t0 > 20 * 60_000) throw new Error(`gave up waiting for the code-server install lock ${file} (held by pid ${pid})`);
      await sleep(1000);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(file, { force: true });
  }
}

/**
 * Make sure code-server is installed; install it (once per machine and Node ABI) if not.
 * `CONNDOCTOR_CODE_SERVER_ENTRY` points at an existing entry.js instead.
 */
export async function ensureCodeServer(
  log: (s: string) => void = (s) => process.stderr.write(`[code-server install] ${s}\n`),
): Promise<CodeServerInstall> {
  const override = process.env.CONNDOCTOR_CODE_SERVER_ENTRY;
  if (override) {
    if (!fs.existsSync(override)) throw new Error(`CONNDOCTOR_CODE_SERVER_ENTRY=${override} does not exist`);
    return { root: path.resolve(override, '../../../../..'), entry: override, version: 'external', installSeconds: 0 };
  }
  const root = installDir();
  if (isInstalled(root)) return { root, entry: entryOf(root), version: CODE_SERVER_VERSION, installSeconds: 0 };

  const { nodedir, rg } = preflight();
  fs.mkdirSync(BASE, { recursive: true });
  return withLock(path.join(BASE, '.install.lock'), log, async () => {
    if (isInstalled(root)) return { root, entry: entryOf(root), version: CODE_SERVER_VERSION, installSeconds: 0 }; // someone else did it
    const seconds = await install(root, nodedir, rg, log);
    return { root, entry: entryOf(root), version: CODE_SERVER_VERSION, installSeconds: seconds };
  });
}

async function install(root: string, nodedir: string, rg: string, log: (s: string) => void): Promise<number> {
  const t0 = Date.now();
  // leftovers of interrupted installs
  for (const d of fs.readdirSync(BASE)) if (d.startsWith('.staging-')) fs.rmSync(path.join(BASE, d), { recursive: true, force: true });
  const stage = path.join(BASE, `.staging-${process.pid}`);
  fs.mkdirSync(stage, { recursive: true });
  const logFile = path.join(BASE, 'install.log');
  fs.writeFileSync(logFile, `code-server ${CODE_SERVER_VERSION} install, ${new Date().toISOString()}, node ${process.version}\n`);
  log(`installing code-server ${CODE_SERVER_VERSION} from the npm registry into ${root} (one time, ~1-2 min; log: ${logFile})`);

  const env = cleanEnv({
    // compile addons against the local headers; node-gyp would fetch them from nodejs.org otherwise
    npm_config_nodedir: nodedir,
    // node-pty's post-install runs `npx node-gyp ...` (a dev nicety); never let npx fetch it
    npm_config_yes: 'false',
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    npm_config_loglevel: 'warn',
    // node-gyp: make -j<cores>
    JOBS: 'max',
  });
  const steps: Record<string, number> = {};
  const step = async (name: string, fn: () => Promise<unknown>) => {
    const s = Date.now();
    log(`${name} ...`);
    await fn();
    steps[name] = Number(((Date.now() - s) / 1000).toFixed(1));
    log(`${name} done in ${steps[name]} s`);
  };
  const npm = (cwd: string, what: string, args: string[]) => mustRun(what, 'npm', args, { cwd, env, logFile });

  try {
    fs.writeFileSync(path.join(stage, 'package.json'), JSON.stringify({ name: 'conndoctor-code-server', private: true }, null, 2));
    const cs = path.join(stage, 'node_modules', 'code-server');
    const vs = path.join(cs, 'lib', 'vscode');

    await step('1/6 npm install code-server (scripts off)', () =>
      npm(stage, 'npm install code-server', [
        'install',
        '--ignore-scripts',
        '--no-audit',
        '--no-fund',
        `code-server@${CODE_SERVER_VERSION}`,
      ]),
    );

    // argon2 is required by out/node/util.js at startup even with --auth none
    await step('2/6 build argon2', () => npm(stage, 'build argon2', ['rebuild', 'argon2', '--build-from-source', '--foreground-scripts']));

    await step('3/6 npm install VS Code server deps (scripts off)', () =>
      npm(vs, 'npm install in lib/vscode', ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund']),
    );

    // @vscode/ripgrep's postinstall downloads rg from GitHub; VS Code runs node_modules/@vscode/ripgrep/bin/rg
    const rgDir = path.join(vs, 'node_modules', '@vscode', 'ripgrep', 'bin');
    fs.mkdirSync(rgDir, { recursive: true });
    fs.copyFileSync(rg, path.join(rgDir, 'rg'));
    fs.chmodSync(path.join(rgDir, 'rg'), 0o755);

    await step('4/6 build native addons', async () => {
      // --build-from-source also stops kerberos' prebuild-install from trying GitHub.
      // node-pty's post-install ends with `npx node-gyp configure -f compile_commands_json`,
      // which fails with yes=false after pty.node is built, so npm may report an error:
      // the addons are verified by loading them instead.
      const r = await run('npm', ['rebuild', '--build-from-source', '--foreground-scripts'], { cwd: vs, env, logFile });
      const missing = NATIVE.filter((f) => !fs.existsSync(path.join(vs, 'node_modules', f)));
      if (missing.length) {
        throw new Error(
          `native addons were not built: ${missing.join(', ')} (npm rebuild exit ${r.code}); full log: ${logFile}\n${tail(r.output)}`,
        );
      }
      const load = NATIVE.map((f) => `require(${JSON.stringify(path.join(vs, 'node_modules', f))});`).join('');
      await mustRun('loading the native addons', process.execPath, ['-e', load], { cwd: vs, env, logFile });
    });

    // the symlinks code-server's postinstall.sh would make
    const link = (target: string, at: string) => {
      fs.rmSync(at, { force: true });
      fs.symlinkSync(target, at);
    };
    link('node_modules', path.join(vs, 'node_modules.asar'));
    link('code-linux.sh', path.join(vs, 'bin', 'remote-cli', 'code-server'));
    link('browser-linux.sh', path.join(vs, 'bin', 'helpers', 'browser.sh'));

    await step('5/6 built-in extensions deps (scripts off)', async () => {
      const ext = path.join(vs, 'extensions');
      await npm(ext, 'npm install in lib/vscode/extensions', ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund']);
      await mustRun('extensions postinstall', process.execPath, ['postinstall.mjs'], { cwd: ext, env, logFile });
    });

    await step('6/6 verify', async () => {
      const r = await mustRun('code-server --version', process.execPath, [entryOf(stage), '--version'], {
        cwd: stage,
        env: cleanEnv(),
        logFile,
        timeoutMs: 60_000,
      });
      if (!r.output.includes(CODE_SERVER_VERSION)) throw new Error(`unexpected code-server --version output:\n${r.output}`);
    });

    const seconds = Number(secondsSince(t0));
    const stamp: Stamp = {
      version: CODE_SERVER_VERSION,
      recipe: RECIPE,
      nodeAbi: process.versions.modules,
      node: process.version,
      installedAt: new Date().toISOString(),
      seconds,
      steps,
    };
    fs.writeFileSync(stampOf(stage), JSON.stringify(stamp, null, 2));
    fs.rmSync(root, { recursive: true, force: true });
    fs.renameSync(stage, root);
    log(`installed in ${seconds} s (${JSON.stringify(steps)})`);
    return seconds;
  } catch (e) {
    fs.rmSync(stage, { recursive: true, force: true });
    throw e;
  }
}

if (require.main === module) {
  const t0 = Date.now();
  ensureCodeServer().then(
    (i) =>
      console.log(
        `code-server ${i.version}: ${i.entry} (${i.installSeconds ? `installed in ${i.installSeconds} s` : `already installed, checked in ${Date.now() - t0} ms`})`,
      ),
    (e) => {
      console.error(String(e instanceof Error ? e.message : e));
      process.exit(1);
    },
  );
}
