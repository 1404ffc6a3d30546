// Our requests on top of LSP, shared by the server and the VS Code client (types and names only:
// the client must not pull the analyzer in through this file).

export interface LspRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

/**
 * `conndoctor/findings` (agreed with the socket view): the findings of the given rules in the given
 * files, or in the whole workspace when `uris` is absent. Open documents are analyzed as they are
 * in the editor, other files from disk. Does not change what the Problems panel shows.
 */
export const FINDINGS_REQUEST = 'conndoctor/findings';
export interface FindingsParams {
  rules?: string[];
  uris?: string[];
}
export interface FindingsResult {
  findings: { uri: string; range: LspRange; rule: string; severity: string; message: string }[];
  analyzedFiles: number;
  errors: string[];
}

/**
 * `conndoctor/scanWorkspace`: analyzes every Go file of the workspace folders (as `./...` does:
 * no vendor/, testdata/, hidden or `_` folders, no _test.go files) minus `conndoctor.exclude` and
 * `exclude` (the client's own file excludes), and delivers the findings through workspace
 * diagnostics (`workspace/diagnostic`, or `publishDiagnostics` for clients without pull).
 * Reports progress on `workDoneToken`; cancellable.
 */
export const SCAN_REQUEST = 'conndoctor/scanWorkspace';
export interface ScanParams {
  /** Globs relative to a workspace folder (VS Code: files.exclude). */
  exclude?: string[];
  workDoneToken?: string;
}
export interface ScanResult {
  files: number;
  packages: number;
  findings: number;
  filesWithFindings: number;
  /** Findings per file URI (files without findings are left out). */
  perFile: Record<string, number>;
  ms: number;
  cancelled: boolean;
  threads: number;
  errors: number;
  /** Where the time went (ms): listing files, analysis. */
  phases: { findFiles: number; analyze: number };
}

/** `conndoctor/status`: waits until no analysis runs or is scheduled, then returns the server's figures. */
export const STATUS_REQUEST = 'conndoctor/status';
export interface StatusResult {
  timings: {
    parserInitMs?: number;
    firstOpenToDiagnosticsMs?: number;
    firstOpen?: { parse: number; siblings: number; siblingFiles: number; rules: number; total: number };
    openToDiagnosticsMs: number[];
    onTypeMs: number[];
    fullParses: number;
    incrementalParses: number;
    analyses: number;
    cancelled: number;
    last?: { parse: number; siblings: number; siblingFiles: number; rules: number; total: number };
    workerRestarts: number;
    inProcess: boolean;
  };
  openDocuments: number;
  /** Resident set size of the server process and the JS heap of its message loop, bytes. */
  memory: { rss: number; heapUsed: number };
  /** The analysis worker: its JS heap, open documents keeping a tree, parsed siblings from disk. */
  analysis?: { heapUsedMb: number; openDocuments: number; trees: number; treeChars: number; diskTrees: number; diskChars: number };
  pid: number;
}
