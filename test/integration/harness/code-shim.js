#!/usr/bin/env node
// A stand-in "VS Code executable" for @vscode/test-electron / @vscode/test-cli:
//   runTests({ vscodeExecutablePath: '<repo>/test/integration/harness/code-shim.js', ... })
// They spawn it with desktop-CLI arguments (--extensionDevelopmentPath=..., --extensionTestsPath=...,
// a folder, ...) and take its exit code as the test result. The work is done by shim.ts with the
// project's harness: code-server (installed into .cache/ on first use) + headless chromium.
require('tsx/cjs');
require('./shim.ts')
  .main(process.argv.slice(2))
  .then(
    (code) => process.exit(code),
    (e) => {
      console.error(`code-shim: ${e && e.stack ? e.stack : e}`);
      process.exit(2);
    },
  );
