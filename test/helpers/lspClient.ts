// A scripted LSP client for `conndoctor lsp --stdio` (the bundled dist/cli.js in a child process):
// the protocol tests and the editor-latency benchmark drive the server through it, as an editor
// would. Answers the server's requests (configuration, refresh, progress, showDocument, applyEdit)
// and records its notifications.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CancellationTokenSource,
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ClientCapabilities,
  type Diagnostic,
  type InitializeResult,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';

export const ROOT = join(__dirname, '..', '..');
export const CLI = join(ROOT, 'dist', 'cli.js');

export const uriOf = (path: string): string => pathToFileURL(path).href;

export interface StartOptions {
  /** Workspace folder (absolute path). */
  root?: string;
  /** Pull diagnostics (as VS Code); false: push only (as Neovim 0.7). */
  pull?: boolean;
  /** What `workspace/configuration` answers for the `conndoctor` section. */
  settings?: Record<string, unknown>;
  locale?: string;
  env?: NodeJS.ProcessEnv;
  /** Extra client capabilities merged in. */
  capabilities?: ClientCapabilities;
  /** No `workspace/configuration`: settings come as initializationOptions and in didChangeConfiguration. */
  noConfiguration?: boolean;
  initializationOptions?: unknown;
}

export class LspClient {
  readonly conn: ProtocolConnection;
  readonly published = new Map<string, PublishDiagnosticsParams>();
  readonly logs: string[] = [];
  readonly shown: { uri: string; external?: boolean }[] = [];
  readonly applied: unknown[] = [];
  refreshes = 0;
  stderr = '';
  settings: Record<string, unknown>;
  init?: InitializeResult;
  private listeners: ((p: PublishDiagnosticsParams) => void)[] = [];
  exitCode: Promise<number | null>;

  constructor(
    readonly proc: ChildProcess,
    opts: StartOptions,
  ) {
    this.settings = opts.settings ?? {};
    proc.stderr!.on('data', (d) => (this.stderr += d));
    this.exitCode = new Promise((r) => proc.on('exit', (code) => r(code)));
    this.conn = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
    this.conn.onRequest('workspace/configuration', (p: { items: { section?: string }[] }) =>
      p.items.map((i) => (i.section === 'conndoctor' ? this.settings : null)),
    );
    this.conn.onRequest('workspace/diagnostic/refresh', () => {
      this.refreshes++;
      return null;
    });
    this.conn.onRequest('client/registerCapability', () => null);
    this.conn.onRequest('window/workDoneProgress/create', () => null);
    this.conn.onRequest('window/showDocument', (p: { uri: string; external?: boolean }) => {
      this.shown.push(p);
      return { success: true };
    });
    this.conn.onRequest('workspace/applyEdit', (p: unknown) => {
      this.applied.push(p);
      return { applied: true };
    });
    this.conn.onNotification('window/logMessage', (p: { message: string }) => void this.logs.push(p.message));
    this.conn.onNotification('window/showMessage', (p: { message: string }) => void this.logs.push(`[shown] ${p.message}`));
    this.conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.published.set(p.uri, p);
      for (const l of [...this.listeners]) l(p);
    });
    this.conn.listen();
  }

  static async start(opts: StartOptions = {}): Promise<LspClient> {
    const proc = spawn(process.execPath, [CLI, 'lsp', '--stdio'], {
      cwd: opts.root ?? ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: opts.env ?? process.env,
    });
    const c = new LspClient(proc, opts);
    const pull = opts.pull ?? true;
    const caps: ClientCapabilities = {
      workspace: {
        configuration: !opts.noConfiguration,
        workspaceFolders: true,
        didChangeWatchedFiles: { dynamicRegistration: true },
        ...(pull ? { diagnostics: { refreshSupport: true } } : {}),
        ...opts.capabilities?.workspace,
      },
      textDocument: {
        ...(pull ? { diagnostic: { dynamicRegistration: false, relatedDocumentSupport: false } } : {}),
        publishDiagnostics: { relatedInformation: true, codeDescriptionSupport: true },
        codeAction: {
          codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source', 'source.fixAll'] } },
          resolveSupport: { properties: ['edit'] },
          isPreferredSupport: true,
          dataSupport: true,
        },
        hover: { contentFormat: ['markdown', 'plaintext'] },
        ...opts.capabilities?.textDocument,
      },
      window: { workDoneProgress: true, showDocument: { support: true } },
    };
    c.init = await c.conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: opts.root ? uriOf(opts.root) : null,
      workspaceFolders: opts.root ? [{ uri: uriOf(opts.root), name: 'ws' }] : null,
      capabilities: caps,
      locale: opts.locale ?? 'en',
      initializationOptions: opts.initializationOptions,
    });
    await c.conn.sendNotification('initialized', {});
    return c;
  }

  open(path: string, text: string, version = 1, languageId = 'go'): string {
    const uri = uriOf(path);
    void this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
    return uri;
  }

  change(uri: string, version: number, changes: ({ text: string } | { range: Diagnostic['range']; text: string })[]): void {
    void this.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
  }

  close(uri: string): void {
    void this.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  /** Pull diagnostics (full report items). */
  async diagnostics(uri: string): Promise<Diagnostic[]> {
    const r = await this.conn.sendRequest<{ kind: string; items?: Diagnostic[] }>('textDocument/diagnostic', { textDocument: { uri } });
    return r.items ?? [];
  }

  /** The next publishDiagnostics for `uri` (push mode) that satisfies `ok`. */
  nextPublished(uri: string, ok: (d: Diagnostic[]) => boolean = () => true, timeoutMs = 30_000): Promise<Diagnostic[]> {
    const have = this.published.get(uri);
    if (have && ok(have.diagnostics)) return Promise.resolve(have.diagnostics);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners = this.listeners.filter((x) => x !== l);
        reject(
          new Error(
            `no publishDiagnostics for ${uri} within ${timeoutMs} ms (last: ${JSON.stringify(this.published.get(uri)?.diagnostics.map((d) => d.code))})`,
          ),
        );
      }, timeoutMs);
      const l = (p: PublishDiagnosticsParams) => {
        if (p.uri !== uri || !ok(p.diagnostics)) return;
        clearTimeout(timer);
        this.listeners = this.listeners.filter((x) => x !== l);
        resolve(p.diagnostics);
      };
      this.listeners.push(l);
    });
  }

  async setSettings(settings: Record<string, unknown>): Promise<void> {
    this.settings = settings;
    await this.conn.sendNotification('workspace/didChangeConfiguration', { settings: { conndoctor: settings } });
  }

  status(): Promise<{
    timings: Record<string, unknown> & { cancelled: number; analyses: number };
    memory: { rss: number };
    openDocuments: number;
    analysis?: { heapUsedMb: number; trees: number; treeChars: number };
    pid: number;
  }> {
    return this.conn.sendRequest('conndoctor/status', null);
  }

  cancellable(): CancellationTokenSource {
    return new CancellationTokenSource();
  }

  /** shutdown + exit; resolves with the exit code. */
  async stop(): Promise<number | null> {
    try {
      await this.conn.sendRequest('shutdown', null);
      await this.conn.sendNotification('exit');
    } catch {
      /* already gone */
    }
    const code = await Promise.race([this.exitCode, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 10_000))]);
    if (code === 'timeout') {
      this.proc.kill('SIGKILL');
      throw new Error('the server did not exit within 10 s of exit');
    }
    this.conn.dispose();
    return code;
  }

  kill(): void {
    this.proc.kill('SIGKILL');
    this.conn.dispose();
  }
}
