// extensionTestsPath entry: runs INSIDE the extension host (code-server's Node extension host, or
// desktop VS Code through @vscode/test-electron). Bundled by harness/inhost.ts buildSuite() next to
// the compiled *.host.js files; reads options.json from its own folder (written by runSuite()).
// The test-electron contract: export run(), resolve when all tests pass, reject otherwise.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

interface Options {
  grep?: string;
  testTimeoutMs?: number;
  resultsFile?: string;
  context?: Record<string, unknown>;
}
interface Result {
  title: string;
  fullTitle: string;
  file?: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs?: number;
  error?: string;
}

export function readOptions(): Options {
  try {
    return JSON.parse(fs.readFileSync(path.join(__dirname, 'options.json'), 'utf8')) as Options;
  } catch {
    return {};
  }
}

export function run(): Promise<void> {
  const opts = readOptions();
  const mocha = new Mocha({ ui: 'bdd', color: false, reporter: 'spec', timeout: opts.testTimeoutMs ?? 20_000 });
  if (opts.grep) mocha.grep(opts.grep);
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else if (e.name.endsWith('.host.js')) files.push(path.join(d, e.name));
    }
  };
  walk(__dirname);
  for (const f of files.sort()) mocha.addFile(f);

  const results: Result[] = [];
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      if (opts.resultsFile) fs.writeFileSync(opts.resultsFile, JSON.stringify(results, null, 2));
      if (failures) reject(new Error(`${failures} in-host test(s) failed`));
      else resolve();
    });
    const rel = (f?: string) => (f ? path.relative(__dirname, f) : undefined);
    runner.on('pass', (t) =>
      results.push({ title: t.title, fullTitle: t.fullTitle(), file: rel(t.file), state: 'passed', durationMs: t.duration }),
    );
    runner.on('pending', (t) => results.push({ title: t.title, fullTitle: t.fullTitle(), file: rel(t.file), state: 'pending' }));
    runner.on('fail', (t, err: Error) =>
      results.push({
        title: t.title,
        fullTitle: t.fullTitle(),
        file: rel(t.file),
        state: 'failed',
        durationMs: t.duration,
        error: String((err && err.stack) || err),
      }),
    );
  });
}
