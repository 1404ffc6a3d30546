// Runs a mocha suite INSIDE code-server's (Node) extension host, with the real `vscode` API.
//
// code-server's CLI rejects --extensionDevelopmentPath/--extensionTestsPath, but the web
// workbench reads them from the `payload` URL parameter (as vscode-remote:// URIs) and hands
// them to the remote extension host: it loads the development extension, require()s the tests
// module and calls its run(). When that settles the workbench calls
// window.codeAutomationExit(code), and it forwards log lines, including the extension host's
// console (mocha's reporter), to window.codeAutomationLog(type, args). A browser is needed to
// start the workbench; headless chromium does.
//
// The suite in test/integration/suite/ is TypeScript; buildSuite() bundles each *.host.ts (and
// index.ts, helpers) with esbuild into plain CommonJS that the extension host can require:
// `vscode` stays external, `mocha` resolves to this repo's copy by absolute path, so the
// output can live anywhere (a temp dir per run: concurrent runs never share files).
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as util from 'node:util';
import { launchChromium } from './browser';
import type { CodeServer } from './server';
import { forgetTempDir, removeOnExit, REPO_ROOT } from './util';

export const SUITE_SRC = path.join(REPO_ROOT, 'test', 'integration', 'suite');

/** What the outer process tells the in-host runner (suite/index.ts reads it from options.json). */
export interface SuiteOptions {
  /** Only tests whose full title matches (mocha grep). */
  grep?: string;
  /** Per-test timeout inside the host (default 20 s). */
  testTimeoutMs?: number;
  /** Where the runner writes per-test results as JSON. */
  resultsFile?: string;
  /** Free-form facts for the tests (see suite/helpers.ts runContext()). */
  context?: RunContext;
}

/** Facts about the run that in-host tests may check. */
export interface RunContext {
  /** 'development': the repo is loaded as extensionDevelopmentPath; 'installed': from a VSIX. */
  extensionMode: 'development' | 'installed';
  /** Where the extension under test must be loaded from. */
  expectedExtensionPath?: string;
  repoRoot: string;
  [k: string]: unknown;
}

export interface TestResult {
  title: string;
  fullTitle: string;
  file?: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs?: number;
  error?: string;
}

export interface BuiltSuite {
  /** Folder with index.js and the compiled *.host.js files. */
  dir: string;
  /** The tests module to pass as extensionTestsPath. */
  index: string;
  tests: string[];
  remove(): void;
}

/** Bundle test/integration/suite (index.ts + every *.host.ts) for the extension host. */
export async function buildSuite(opts: { outDir?: string; srcDir?: string } = {}): Promise<BuiltSuite> {
  const src = opts.srcDir ?? SUITE_SRC;
  const dir = opts.outDir ?? removeOnExit(fs.mkdtempSync(path.join(os.tmpdir(), 'conndoctor-suite-')));
  fs.mkdirSync(dir, { recursive: true });
  const tests: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.host.ts')) tests.push(p);
    }
  };
  walk(src);
  tests.sort();
  const mochaPath = require.resolve('mocha/lib/mocha.cjs', { paths: [REPO_ROOT] });
  await esbuild.build({
    entryPoints: [path.join(src, 'index.ts'), ...tests],
    outbase: src,
    outdir: dir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    logLevel: 'error',
    external: ['vscode'],
    plugins: [
      {
        name: 'mocha-by-absolute-path',
        setup(b) {
          b.onResolve({ filter: /^mocha$/ }, () => ({ path: mochaPath, external: true }));
        },
      },
    ],
  });
  return {
    dir,
    index: path.join(dir, 'index.js'),
    tests: tests.map((t) => path.join(dir, path.relative(src, t).replace(/\.ts$/, '.js'))),
    remove: () => {
      fs.rmSync(dir, { recursive: true, force: true });
      forgetTempDir(dir);
    },
  };
}

export interface InHostOptions {
  server: CodeServer;
  /** Workspace folder to open. */
  folder?: string;
  /** Extension folder(s) to load as development extensions (omit to test installed ones only: an empty probe extension is loaded then). */
  extensionDevelopmentPath?: string | string[];
  /** A tests module exporting run(): Promise<void> (the test-electron contract). */
  extensionTestsPath: string;
  /** Overall limit for the run (default 120 s). */
  timeoutMs?: number;
  /** Print the extension host's output as it comes (default: only return it). */
  echo?: boolean;
}

export interface InHostResult {
  /** 0 = the tests module's run() resolved; 1 = rejected; -1 = timed out / no answer. */
  exitCode: number;
  /** Extension host console (mocha's reporter) and workbench log lines. */
  output: string;
  ms: number;
}

// workbench chatter that is not about our tests
const NOISE =
  /^(Resolving|Resolved|Creating a socket|Updating additional|\[Service Worker\]|ChatSessionStore|Ignoring fetching additional builtin|File not found: .*vsda)/;

let probeDir: string | undefined;
/**
 * An empty extension to load as development extension when only installed extensions are under
 * test: the workbench runs extensionTestsPath only in an extension-development window (without
 * one, codeAutomationExit never comes).
 */
export function probeExtension(): string {
  if (probeDir && fs.existsSync(probeDir)) return probeDir;
  probeDir = removeOnExit(fs.mkdtempSync(path.join(os.tmpdir(), 'conndoctor-probe-ext-')));
  fs.writeFileSync(
    path.join(probeDir, 'package.json'),
    JSON.stringify(
      {
        name: 'test-probe',
        publisher: 'conndoctor-test',
        version: '0.0.0',
        engines: { vscode: '^1.100.0' },
        description: 'placeholder development extension for running in-host tests against installed extensions',
      },
      null,
      2,
    ),
  );
  return probeDir;
}

/** Open the workbench with the payload and wait for codeAutomationExit. */
export async function runInHost(opts: InHostOptions): Promise<InHostResult> {
  const t0 = Date.now();
  const dev = opts.extensionDevelopmentPath ?? probeExtension();
  const lines: string[] = [];
  const browser = await launchChromium();
  try {
    const page = browser.page;
    let exit!: (code: number) => void;
    const exited = new Promise<number>((r) => {
      exit = r;
    });
    await page.exposeFunction('codeAutomationExit', (code: unknown) => exit(typeof code === 'number' ? code : 1));
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown) => {
      const line = util.format(...(Array.isArray(args) ? args : [args]));
      if (!process.env.CONNDOCTOR_VERBOSE && NOISE.test(line)) return;
      const stamp = `[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s]`;
      const out = `${stamp} ${type === 'error' ? '[error] ' : ''}${line}`;
      lines.push(out);
      if (opts.echo) process.stdout.write(`    | ${out.replace(/\n/g, '\n    | ')}\n`);
    });
    page.on('pageerror', (e) => lines.push(`[pageerror] ${e.message}`));
    page.on('crash', () => {
      lines.push('[harness] the workbench page crashed');
      exit(-1);
    });
    lines.push(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s] [harness] browser up, opening the workbench`);
    await page.goto(
      opts.server.workbenchUrl({ folder: opts.folder, extensionDevelopmentPath: dev, extensionTestsPath: opts.extensionTestsPath }),
    );
    let timer: NodeJS.Timeout | undefined;
    const timeoutMs = opts.timeoutMs ?? 120_000;
    const code = await Promise.race([
      exited,
      new Promise<number>((r) => {
        timer = setTimeout(() => r(-1), timeoutMs);
      }),
    ]);
    if (timer) clearTimeout(timer);
    if (code === -1) {
      lines.push(`[harness] no codeAutomationExit (limit ${timeoutMs} ms); server log tail:`);
      lines.push(opts.server.log().trimEnd().split('\n').slice(-30).join('\n'));
    }
    return { exitCode: code, output: lines.join('\n'), ms: Date.now() - t0 };
  } finally {
    await browser.close();
  }
}

export interface SuiteRunOptions extends Omit<InHostOptions, 'extensionTestsPath'>, Omit<SuiteOptions, 'resultsFile'> {
  suite: BuiltSuite;
}

export interface SuiteRunResult extends InHostResult {
  results: TestResult[];
}

/** runInHost() for a suite from buildSuite(): writes its options, returns per-test results too. */
export async function runSuite(opts: SuiteRunOptions): Promise<SuiteRunResult> {
  const resultsFile = path.join(opts.suite.dir, `results-${process.pid}-${Date.now()}.json`);
  const options: SuiteOptions = { grep: opts.grep, testTimeoutMs: opts.testTimeoutMs, resultsFile, context: opts.context };
  fs.writeFileSync(path.join(opts.suite.dir, 'options.json'), JSON.stringify(options, null, 2));
  const r = await runInHost({ ...opts, extensionTestsPath: opts.suite.index });
  let results: TestResult[] = [];
  try {
    results = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as TestResult[];
  } catch {
    // the runner never got to write them (crash, timeout); the output tells why
  }
  return { ...r, results };
}
