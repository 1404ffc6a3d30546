// The real-VS-Code test harness (see README.md beside this file).
export { ensureCodeServer, CODE_SERVER_VERSION, VSCODE_VERSION, type CodeServerInstall } from './install';
export { CodeServer, DEFAULT_SETTINGS, type StartOptions } from './server';
export { Workbench, launchChromium, norm, type ProblemRow, type RunningExtension } from './browser';
export { buildSuite, runInHost, runSuite, type BuiltSuite, type RunContext, type TestResult, type SuiteRunResult } from './inhost';
export { prepareWorkspace, type Workspace } from './workspace';
export { packageVsix, listZip, readZipEntry, vsixProblems, referencedFiles, MAX_VSIX_BYTES } from './vsix';
export { REPO_ROOT, RESULTS_DIR, waitUntil } from './util';
export { type UiContext } from './ui-context';
export { cliFindings, applyEdits, findingAnchor, type CliFinding, type CliFix } from './cli';
