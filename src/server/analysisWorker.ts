// The message loop's handle on the analysis worker (worker.ts): forwards document changes, runs
// jobs, cancels them, and restarts the worker if it dies (a crash must not end the server: the
// open documents are sent again and the job that was running fails with an error).
// Without the bundled worker script (running from source) the host runs in this thread.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Cancelled, ensureReady, type AnalyzeOptions } from '../analysis/engine';
import { AnalysisHost, type AnalyzeResult, type CardResult, type FixAllResult, type HostStats, type SnippetSite } from './host';
import type { HostMessage, HostReply, JobKind } from './hostProtocol';
import type { TextChange } from './parsedDoc';

const SLOTS = 1024;

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
}

export interface JobHandle<T> {
  id: number;
  promise: Promise<T>;
  cancel(): void;
}

export class AnalysisWorker {
  private worker?: Worker;
  private local?: AnalysisHost;
  private readonly cancelBuf = new SharedArrayBuffer(SLOTS * 4);
  private readonly cancelArr = new Int32Array(this.cancelBuf);
  private readonly pending = new Map<number, Pending>();
  /** What the worker must know about again after a restart. */
  private readonly docs = new Map<string, { path: string; onDisk: boolean; text: () => string; version: () => number }>();
  private nextId = 1;
  restarts = 0;
  /** Time jobs waited in the worker for the parser to load (first job only), ms. */
  parserWaitMs?: number;

  constructor(
    private readonly script = join(__dirname, 'server-worker.js'),
    private readonly log: (msg: string) => void = () => undefined,
  ) {
    if (existsSync(this.script)) this.start();
    else this.local = new AnalysisHost();
  }

  get inProcess(): boolean {
    return !!this.local;
  }

  private start(): void {
    const w = new Worker(this.script, { workerData: { cancel: this.cancelBuf } });
    this.worker = w;
    w.on('message', (m: HostReply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) {
        this.parserWaitMs ??= m.waitedMs;
        p.resolve(m.value);
      } else p.reject(m.cancelled ? new Cancelled() : new Error(m.error));
    });
    const died = (why: string) => {
      if (this.worker !== w) return;
      this.worker = undefined;
      for (const p of this.pending.values()) p.reject(new Error(`analysis worker ${why}`));
      this.pending.clear();
      if (this.disposed) return;
      this.restarts++;
      this.log(`analysis worker ${why}; restarting it (${this.restarts})`);
      if (this.restarts > 20) {
        this.log('analysis worker keeps dying: analyzing in the server thread from now on');
        this.local = new AnalysisHost();
        for (const [uri, d] of this.docs) this.local.open(uri, d.path, d.onDisk, d.text(), d.version());
        return;
      }
      this.start();
      for (const [uri, d] of this.docs) this.post({ t: 'open', uri, path: d.path, onDisk: d.onDisk, text: d.text(), version: d.version() });
    };
    w.on('error', (e) => died(`failed: ${e.stack ?? e.message}`));
    w.on('exit', (code) => died(`exited (${code})`));
    w.unref();
  }

  private post(m: HostMessage): void {
    this.worker?.postMessage(m);
  }

  open(
    uri: string,
    path: string,
    onDisk: boolean,
    text: string,
    version: number,
    current: { text: () => string; version: () => number },
  ): void {
    this.docs.set(uri, { path, onDisk, ...current });
    if (this.local) this.local.open(uri, path, onDisk, text, version);
    else this.post({ t: 'open', uri, path, onDisk, text, version });
  }

  change(uri: string, version: number, changes: TextChange[]): void {
    if (this.local) this.local.change(uri, version, changes);
    else this.post({ t: 'change', uri, version, changes });
  }

  close(uri: string): void {
    this.docs.delete(uri);
    if (this.local) this.local.close(uri);
    else this.post({ t: 'close', uri });
  }

  diskChanged(paths: string[] | 'all'): void {
    if (this.local) this.local.diskChanged(paths);
    else this.post({ t: 'disk', paths });
  }

  analyze(uri: string, version: number, opts: AnalyzeOptions): JobHandle<AnalyzeResult> {
    return this.job('analyze', uri, version, opts);
  }

  card(uri: string, version: number, offset: number): JobHandle<CardResult | null> {
    return this.job('card', uri, version, {}, offset);
  }

  snippetSite(uri: string, version: number, offset: number, sets: string[][]): JobHandle<SnippetSite> {
    return this.job('snippetSite', uri, version, {}, offset, sets);
  }

  fixAll(uri: string, version: number, opts: AnalyzeOptions): JobHandle<FixAllResult> {
    return this.job('fixAll', uri, version, opts);
  }

  /** Memory of the analysis side: its JS heap, open documents with trees, the disk cache. */
  stats(): JobHandle<HostStats> {
    return this.job('stats', '', 0, {});
  }

  private job<T>(kind: JobKind, uri: string, version: number, opts: AnalyzeOptions, offset?: number, sets?: string[][]): JobHandle<T> {
    const id = this.nextId++;
    const slot = id % SLOTS;
    Atomics.store(this.cancelArr, slot, 0);
    const cancel = () => Atomics.store(this.cancelArr, slot, id);
    if (this.local) {
      const host = this.local;
      let cancelled = false;
      const promise = (async () => {
        await ensureReady();
        // Let queued messages (a newer edit) run first: they may cancel this job.
        await new Promise((r) => setImmediate(r));
        if (cancelled) throw new Cancelled();
        const stop = () => cancelled;
        if (kind === 'analyze') return host.analyze(uri, version, opts, stop) as T;
        if (kind === 'card') return host.card(uri, version, offset ?? 0) as T;
        if (kind === 'snippetSite') return host.snippetSite(uri, version, offset ?? 0, sets ?? []) as T;
        if (kind === 'stats') return host.stats() as T;
        return host.fixAll(uri, version, opts, stop) as T;
      })();
      return {
        id,
        promise,
        cancel: () => {
          cancelled = true;
        },
      };
    }
    const promise = new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
    });
    this.post({ t: 'job', id, kind, uri, version, opts, offset, sets });
    return { id, promise, cancel };
  }

  private disposed = false;

  dispose(): void {
    this.disposed = true;
    for (const p of this.pending.values()) p.reject(new Error('server shutting down'));
    this.pending.clear();
    void this.worker?.terminate();
    this.worker = undefined;
    this.local?.dispose();
  }
}
