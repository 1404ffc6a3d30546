// Runs the in-host suite (test/integration/suite) through @vscode/test-electron's runTests(),
// the launcher extension repos normally use:
//   npx tsx test/integration/harness/run-test-electron.ts            -> code-server via code-shim.js (offline)
//   npx tsx test/integration/harness/run-test-electron.ts --desktop  -> downloads desktop VS Code
//                                                                      (needs internet; same suite)
// Options: --grep <re>   only matching in-host tests.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { buildSuite, type SuiteOptions } from './inhost';
import { REPO_ROOT } from './util';
import { prepareWorkspace } from './workspace';

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const desktop = argv.includes('--desktop');
  const gi = argv.indexOf('--grep');
  const suite = await buildSuite();
  const ws = prepareWorkspace();
  try {
    const options: SuiteOptions = {
      grep: gi >= 0 ? argv[gi + 1] : undefined,
      resultsFile: path.join(suite.dir, 'results.json'),
      context: { extensionMode: 'development', expectedExtensionPath: REPO_ROOT, repoRoot: REPO_ROOT, workspace: ws.source },
    };
    fs.writeFileSync(path.join(suite.dir, 'options.json'), JSON.stringify(options, null, 2));
    return await runTests({
      ...(desktop ? { version: '1.100.3' } : { vscodeExecutablePath: path.join(__dirname, 'code-shim.js') }),
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: suite.index,
      launchArgs: [ws.dir, ...(desktop ? ['--disable-extensions', '--disable-workspace-trust'] : [])],
    });
  } finally {
    suite.remove();
    ws.remove();
  }
}

main().then(
  (code) => {
    console.log(`runTests: exit code ${code}`);
    process.exit(code);
  },
  (e) => {
    console.error(`runTests failed: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  },
);
