// When open documents are analyzed, and which results are still good. A result belongs to a
// document version and to a "generation" of its package (bumped when another file of the
// directory changes, in an editor or on disk) and of the whole workspace (settings, go.mod).
// Asking for a document's findings joins the run for its current state or starts one; a newer
// edit cancels a run for an older version (the worker stops between rules).
import { dirname } from 'node:path';
import { Cancelled, type AnalyzeOptions } from '../analysis/engine';
import type { AnalysisError, Finding } from '../analysis/model';
import type { AnalysisWorker, JobHandle } from './analysisWorker';
import type { DocumentStore, OpenDoc } from './documents';
import type { AnalyzeResult } from './host';

export interface DocResult {
  version: number;
  gen: string;
  findings: Finding[];
  /** Rules that threw (see AnalyzeResult.errors). */
  errors: AnalysisError[];
  skipped?: string;
  /** Some rules gave up on this text (too complex): findings may be missing. */
  incomplete?: string;
}

interface Running {
  version: number;
  gen: string;
  job: JobHandle<AnalyzeResult>;
  promise: Promise<DocResult>;
}

/** Figures for the status request (tests, measurements): the last runs, bounded. */
export interface ServerTimings {
  parserInitMs?: number;
  firstOpenToDiagnosticsMs?: number;
  firstOpen?: AnalyzeResult['ms'];
  openToDiagnosticsMs: number[];
  onTypeMs: number[];
  fullParses: number;
  incrementalParses: number;
  analyses: number;
  cancelled: number;
  last?: AnalyzeResult['ms'];
  workerRestarts: number;
  inProcess: boolean;
}

const push = (a: number[], v: number, max = 50) => {
  a.push(Math.round(v * 10) / 10);
  if (a.length > max) a.shift();
};

export class Scheduler {
  private readonly results = new Map<string, DocResult>();
  private readonly running = new Map<string, Running>();
  private readonly dirGen = new Map<string, number>();
  private globalGen = 0;
  private busy = 0;
  private idleWaiters: (() => void)[] = [];
  /** Timers and other work the scheduler's owner counts as "not idle". */
  private holds = 0;
  readonly timings: ServerTimings = {
    openToDiagnosticsMs: [],
    onTypeMs: [],
    fullParses: 0,
    incrementalParses: 0,
    analyses: 0,
    cancelled: 0,
    workerRestarts: 0,
    inProcess: false,
  };

  constructor(
    private readonly store: DocumentStore,
    private readonly worker: AnalysisWorker,
    private opts: () => AnalyzeOptions,
    private readonly log: (msg: string) => void,
  ) {
    this.timings.inProcess = worker.inProcess;
  }

  private genOf(d: OpenDoc): string {
    return `${this.globalGen}.${d.onDisk ? (this.dirGen.get(dirname(d.path)) ?? 0) : 0}`;
  }

  /** Settings, go.mod or the rule set changed: every result is stale. */
  invalidateAll(): void {
    this.globalGen++;
    for (const r of this.running.values()) r.job.cancel();
  }

  /** A file of `dir` changed (an open document's text, or a file on disk): its package's results are stale. */
  invalidateDir(dir: string): void {
    this.dirGen.set(dir, (this.dirGen.get(dir) ?? 0) + 1);
  }

  /** The document changed: a run for an older version is no longer wanted. */
  changed(d: OpenDoc): void {
    const r = this.running.get(d.uri);
    if (r && r.version !== d.doc.version) r.job.cancel();
    if (d.onDisk) this.invalidateDir(dirname(d.path));
  }

  closed(uri: string): void {
    this.running.get(uri)?.job.cancel();
    this.running.delete(uri);
    this.results.delete(uri);
  }

  /** The newest result for the document, whatever state it belongs to. */
  latest(uri: string): DocResult | undefined {
    return this.results.get(uri);
  }

  /** True when the stored result is for the document's current text and package. */
  isCurrent(d: OpenDoc): boolean {
    const r = this.results.get(d.uri);
    return !!r && r.version === d.doc.version && r.gen === this.genOf(d);
  }

  /**
   * The findings for the document as it is now. Joins or starts a run; when the document changes
   * while it runs, runs again (unless `stillWanted` says the caller gave up).
   */
  async current(uri: string, stillWanted: () => boolean = () => true): Promise<DocResult | undefined> {
    for (;;) {
      const d = this.store.get(uri);
      if (!d) return undefined;
      const version = d.doc.version;
      const gen = this.genOf(d);
      const have = this.results.get(uri);
      if (have && have.version === version && have.gen === gen) return have;
      let run = this.running.get(uri);
      if (run && (run.version !== version || run.gen !== gen)) {
        run.job.cancel();
        run = undefined;
      }
      run ??= this.start(d, version, gen);
      try {
        const r = await run.promise;
        const now = this.store.get(uri);
        if (!now || (now.doc.version === r.version && this.genOf(now) === r.gen) || !stillWanted()) return r;
      } catch (e) {
        if (!(e instanceof Cancelled)) throw e;
        if (!stillWanted()) throw e;
      }
    }
  }

  private start(d: OpenDoc, version: number, gen: string): Running {
    const job = this.worker.analyze(d.uri, version, this.opts());
    this.busy++;
    const t0 = performance.now();
    const promise = job.promise.then(
      (r) => {
        const res: DocResult = {
          version: r.version,
          gen,
          findings: r.findings,
          errors: r.errors,
          skipped: r.skipped,
          incomplete: r.incomplete,
        };
        const cur = this.results.get(d.uri);
        if (this.store.get(d.uri) === d && (!cur || cur.version <= r.version)) this.results.set(d.uri, res);
        this.record(d, r, performance.now() - t0);
        return res;
      },
      (e: Error) => {
        if (e instanceof Cancelled) this.timings.cancelled++;
        throw e;
      },
    );
    const run: Running = { version, gen, job, promise };
    this.running.set(d.uri, run);
    const done = () => {
      if (this.running.get(d.uri) === run) this.running.delete(d.uri);
      this.busy--;
      this.checkIdle();
    };
    promise.then(done, done);
    return run;
  }

  private record(d: OpenDoc, r: AnalyzeResult, wallMs: number): void {
    const t = this.timings;
    t.analyses++;
    t.last = r.ms;
    t.workerRestarts = this.worker.restarts;
    if (r.incremental) t.incrementalParses++;
    else if (!r.skipped) t.fullParses++;
    if (t.parserInitMs === undefined && this.worker.parserWaitMs !== undefined) t.parserInitMs = this.worker.parserWaitMs;
    if (r.skipped) this.log(r.skipped);
    if (r.incomplete) this.log(r.incomplete);
    if (d.openedAt !== undefined) {
      const total = performance.now() - d.openedAt;
      d.openedAt = undefined;
      if (t.firstOpenToDiagnosticsMs === undefined) {
        t.firstOpenToDiagnosticsMs = Math.round(total * 10) / 10;
        t.firstOpen = r.ms;
      }
      push(t.openToDiagnosticsMs, total);
      this.log(
        `${d.path}: ${r.findings.length} finding(s), ${total.toFixed(1)} ms after open (analysis ${r.ms.total} ms: parse ${r.ms.parse}, ${r.ms.siblingFiles} sibling file(s) ${r.ms.siblings}, facts + rules ${r.ms.rules}; ${wallMs.toFixed(1)} ms in the worker queue and run)`,
      );
    } else push(t.onTypeMs, r.ms.total);
  }

  /** Counts work that is not an analysis (a timer that will start one) as busy. */
  hold(): () => void {
    this.holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds--;
      this.checkIdle();
    };
  }

  private checkIdle(): void {
    if (this.busy > 0 || this.holds > 0) return;
    const w = this.idleWaiters;
    this.idleWaiters = [];
    for (const r of w) r();
  }

  /** Resolves when no analysis runs and none is about to start. */
  whenIdle(): Promise<void> {
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      setImmediate(() => this.checkIdle());
    });
  }

  dispose(): void {
    for (const r of this.running.values()) r.job.cancel();
    this.running.clear();
    this.results.clear();
  }
}
