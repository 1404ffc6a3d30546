// The extension inside a real VS Code (code-server 4.100.3 = VS Code 1.100.3 with a Node extension
// host), part of `npm test`:
//   1. installs code-server into .cache/code-server/ the first time (~1 min; then a stamp check),
//   2. starts it on 127.0.0.1 and runs test/integration/suite/*.host.ts INSIDE the extension host
//      with the repo as development extension (each in-host test is reported here by name),
//   3. runs the UI scenarios test/integration/ui/*.ui.ts in headless chromium (Playwright),
//   4. packages the VSIX (`npm run package`), checks it, installs it into a second, clean
//      code-server and checks the extension activates from the installed copy.
// Screenshots, server logs and timings go to test-results/integration/.
// CONNDOCTOR_SKIP_VSCODE=1 skips all of this (local use only; CI must not set it).
// CONNDOCTOR_INHOST_GREP=<re> runs only matching in-host tests; CONNDOCTOR_VERBOSE=1 echoes the host's output;
// CONNDOCTOR_ONLY=inhost|ui|vsix (comma-separated) runs only those parts.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Test } from 'mocha';
import {
  buildSuite,
  CodeServer,
  ensureCodeServer,
  listZip,
  MAX_VSIX_BYTES,
  packageVsix,
  prepareWorkspace,
  readZipEntry,
  REPO_ROOT,
  RESULTS_DIR,
  runSuite,
  vsixProblems,
  Workbench,
  type BuiltSuite,
  type CodeServerInstall,
  type SuiteRunResult,
  type UiContext,
  type Workspace,
} from './harness';

/**
 * `npx mocha test/unit/x.test.ts` also loads every spec of .mocharc.json: when spec files were
 * named on the command line and none is under test/integration, do not start a VS Code for them.
 */
function otherSpecsSelected(): boolean {
  const args = process.argv.slice(2);
  const valueOpts = new Set([
    '--reporter',
    '-R',
    '--require',
    '-r',
    '--config',
    '--file',
    '--ignore',
    '--exclude',
    '--package',
    '--reporter-option',
    '-O',
    '--grep',
    '-g',
    '--fgrep',
    '-f',
    '--timeout',
    '-t',
    '--ui',
    '-u',
    '--extension',
    '--slow',
    '-s',
    '--retries',
    '--jobs',
    '-j',
  ]);
  const specs = args.filter((a, i) => !a.startsWith('-') && !valueOpts.has(args[i - 1] ?? '') && /(^|\/)test\//.test(a));
  return specs.length > 0 && !specs.some((a) => /(^|\/)test\/(integration|\*\*)/.test(a) || /^test\/?$/.test(a));
}

const SKIP = process.env.CONNDOCTOR_SKIP_VSCODE === '1' || otherSpecsSelected();
if (SKIP && process.env.CONNDOCTOR_SKIP_VSCODE !== '1')
  console.log('(real-VS-Code suite not started: other spec files were named on the command line)');
const EXTENSION_ID = 'go-conn-doctor.go-conn-doctor';
const ONLY = process.env.CONNDOCTOR_ONLY?.split(',').map((s) => s.trim());
/** describe, or describe.skip when CONNDOCTOR_ONLY leaves this part out. */
const part = (name: 'inhost' | 'ui' | 'vsix') => (!ONLY || ONLY.includes(name) ? describe : describe.skip);

const timings: Record<string, number | string> = {};
const record = (name: string, value: number | string) => {
  timings[name] = value;
};

/** Turn the in-host results into tests of the enclosing suite (so they show up one by one). */
function reportInHost(parent: Mocha.Suite, r: SuiteRunResult, prefix: string): void {
  for (const t of r.results) {
    const title = `${prefix}${t.fullTitle}`;
    if (t.state === 'pending') {
      parent.addTest(new Test(title));
      continue;
    }
    parent.addTest(
      new Test(title, () => {
        if (t.state === 'failed') {
          const e = new Error(`in-host test failed: ${t.fullTitle}`);
          e.stack = t.error ?? e.stack;
          throw e;
        }
      }),
    );
  }
}

function assertRunOk(r: SuiteRunResult | undefined): void {
  assert.ok(r, 'the in-host run did not happen (see the before-all hook error)');
  const failed = r.results.filter((t) => t.state === 'failed').length;
  if (r.exitCode !== 0 || r.results.length === 0) {
    assert.fail(
      `in-host run ended with code ${r.exitCode}, ${r.results.length} results, ${failed} failed. Extension host output:\n${r.output}`,
    );
  }
}

(SKIP ? describe.skip : describe)('real VS Code (code-server)', function () {
  let install: CodeServerInstall;
  let server: CodeServer | undefined;
  let ws: Workspace | undefined;
  let suite: BuiltSuite | undefined;

  before(async function () {
    // a cold install compiles native addons: minutes, once per machine
    this.timeout(20 * 60_000);
    const t0 = Date.now();
    install = await ensureCodeServer();
    record('code-server install s (0 = cached)', install.installSeconds);
    record('install check ms', install.installSeconds ? 0 : Date.now() - t0);
    assert.ok(fs.existsSync(path.join(REPO_ROOT, 'dist', 'extension.js')), 'dist/extension.js missing: npm run build');
    ws = prepareWorkspace();
    const tb = Date.now();
    suite = await buildSuite();
    record('suite bundle ms', Date.now() - tb);
    server = await CodeServer.start(install, { name: 'dev' });
    record('server start ms (spawn -> /healthz)', server.startMs);
  });

  after(async function () {
    this.timeout(30_000);
    await server?.stop();
    suite?.remove();
    ws?.remove();
    fs.mkdirSync(RESULTS_DIR, { recursive: true });
    fs.writeFileSync(path.join(RESULTS_DIR, 'timings.json'), JSON.stringify(timings, null, 2));
    console.log(
      `      timings: ${Object.entries(timings)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}`,
    );
  });

  part('inhost')('in the extension host (development copy)', function () {
    let run: SuiteRunResult | undefined;
    before(async function () {
      this.timeout(330_000);
      run = await runSuite({
        server: server!,
        folder: ws!.dir,
        extensionDevelopmentPath: REPO_ROOT,
        suite: suite!,
        timeoutMs: 300_000,
        grep: process.env.CONNDOCTOR_INHOST_GREP,
        echo: !!process.env.CONNDOCTOR_VERBOSE,
        context: { extensionMode: 'development', expectedExtensionPath: REPO_ROOT, repoRoot: REPO_ROOT, workspace: ws!.source },
      });
      record('in-host suite ms (browser start -> exit)', run.ms);
      fs.mkdirSync(RESULTS_DIR, { recursive: true });
      fs.writeFileSync(path.join(RESULTS_DIR, 'inhost-dev.log'), run.output);
      reportInHost(this.test!.parent!, run, '');
    });
    it('runs to completion with exit code 0', () => assertRunOk(run));
  });

  part('ui')('through the UI (Playwright + chromium)', function () {
    let wb: Workbench | undefined;
    let uiWs: Workspace | undefined; // its own copy: in-host tests may leave scratch files behind
    const ctx: UiContext = {
      get wb() {
        assert.ok(wb, 'the workbench did not open (see the before-all hook)');
        return wb;
      },
      get server() {
        return server!;
      },
      get workspace() {
        return uiWs!;
      },
      record,
    };
    before(async function () {
      this.timeout(90_000);
      // screenshots of earlier runs would pass for this run's
      for (const f of fs.existsSync(RESULTS_DIR) ? fs.readdirSync(RESULTS_DIR) : [])
        if (/^ui-.*\.png$/.test(f)) fs.rmSync(path.join(RESULTS_DIR, f));
      uiWs = prepareWorkspace('ui-ws');
      const t0 = Date.now();
      wb = await Workbench.open(server!, { folder: uiWs.dir, extensionDevelopmentPath: REPO_ROOT, name: 'ui' });
      record('workbench ready ms (browser start -> explorer)', Date.now() - t0);
    });
    afterEach(async function () {
      if (this.currentTest?.state === 'failed' && wb) {
        const slug = this.currentTest.title.replace(/[^\w]+/g, '-').slice(0, 60);
        await wb.screenshot(`failed-${slug}`).catch(() => undefined);
      }
    });
    after(async function () {
      this.timeout(15_000);
      if (wb && wb.pageErrors.length) fs.writeFileSync(path.join(RESULTS_DIR, 'ui-page-errors.log'), wb.pageErrors.join('\n'));
      await wb?.close();
      uiWs?.remove();
    });

    // every test/integration/ui/*.ui.ts exports default (ctx: UiContext) => void registering its tests
    const dir = path.join(__dirname, 'ui');
    for (const f of fs
      .readdirSync(dir)
      .filter((n) => n.endsWith('.ui.ts'))
      .sort()) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const scenario = require(path.join(dir, f)) as { default: (c: UiContext) => void };
      describe(f.replace(/\.ui\.ts$/, ''), () => scenario.default(ctx));
    }
  });

  part('vsix')('packaged VSIX', function () {
    let vsix: { file: string; bytes: number } | undefined;
    let tmp: string | undefined;
    before(function () {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'conndoctor-vsix-'));
    });
    after(function () {
      if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    });

    it('`npm run package` makes a VSIX <= 3 MB holding only run-time files', async function () {
      this.timeout(120_000);
      const p = await packageVsix(path.join(tmp!, 'go-conn-doctor.vsix'));
      vsix = p;
      record('vsce package ms', p.ms);
      record('VSIX bytes', p.bytes);
      const entries = await listZip(p.file);
      fs.mkdirSync(RESULTS_DIR, { recursive: true });
      fs.writeFileSync(
        path.join(RESULTS_DIR, 'vsix-contents.txt'),
        entries.map((e) => `${String(e.size).padStart(9)}  ${e.name}`).join('\n') + '\n',
      );
      assert.ok(p.bytes <= MAX_VSIX_BYTES, `VSIX is ${p.bytes} bytes`);
      const manifest = JSON.parse((await readZipEntry(p.file, 'extension/package.json')).toString('utf8')) as {
        main: string;
        engines: { vscode: string };
      };
      assert.deepEqual(vsixProblems(entries, p.bytes, manifest), []);
      assert.equal(manifest.main, './dist/extension.js');
      assert.match(manifest.engines.vscode, /^\^?1\.(\d|[1-9]\d|100)\.\d+$/, 'engines.vscode must accept VS Code 1.100');
    });

    describe('installed into a clean code-server (no development tree)', function () {
      let vsServer: CodeServer | undefined;
      let vsWs: Workspace | undefined;
      let run: SuiteRunResult | undefined;
      before(async function () {
        this.timeout(180_000);
        assert.ok(vsix, 'no VSIX (packaging failed)');
        vsWs = prepareWorkspace('vsix-ws');
        const t0 = Date.now();
        vsServer = await CodeServer.start(install, { name: 'vsix', vsix: [vsix.file] });
        record('install VSIX + server start ms', Date.now() - t0);
        const installed = fs.readdirSync(vsServer.extensionsDir).find((d) => d.startsWith(`${EXTENSION_ID}-`));
        assert.ok(installed, `VSIX not installed into ${vsServer.extensionsDir}: ${fs.readdirSync(vsServer.extensionsDir).join(', ')}`);
        run = await runSuite({
          server: vsServer,
          folder: vsWs.dir,
          suite: suite!,
          grep: '^(extension host|activation) ',
          timeoutMs: 150_000,
          echo: !!process.env.CONNDOCTOR_VERBOSE,
          context: {
            extensionMode: 'installed',
            expectedExtensionPath: path.join(vsServer.extensionsDir, installed),
            repoRoot: REPO_ROOT,
            workspace: vsWs.source,
          },
        });
        record('in-host activation check on installed VSIX ms', run.ms);
        fs.writeFileSync(path.join(RESULTS_DIR, 'inhost-vsix.log'), run.output);
        reportInHost(this.test!.parent!, run, '[vsix] ');
      });
      after(async function () {
        this.timeout(30_000);
        await vsServer?.stop();
        vsWs?.remove();
      });
      it('runs the activation checks with exit code 0', () => assertRunOk(run));
    });
  });
});
