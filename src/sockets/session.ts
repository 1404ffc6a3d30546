// One live-socket session of an editor window: which process is watched and why, sampling it, following a restart
// of the same program, and the states in between (looking, no process, several to choose from, exited, not
// permitted, no collector). Pure TypeScript without 'vscode': src/vscode/socketView.ts shows it, and tests drive
// it against real processes.
import { createCollector, type SocketWorker } from './collector';
import { discover, findRestart, reason, type ProcessCandidate } from './discover';
import { endpoint } from './model';
import { GoroutineProbe, type GoroutineReport } from './goroutines';
import { isFinal, Sampler, type History } from './sampler';

export type SessionStatus =
  | { kind: 'discovering' }
  /** the workspace is not trusted: nothing is looked for, attached, sampled or fetched until it is */
  | { kind: 'untrusted' }
  | { kind: 'no-process' }
  | { kind: 'choose' }
  | { kind: 'attached'; target: ProcessCandidate; followedFrom?: number }
  | { kind: 'exited'; pid: number; message: string; target: ProcessCandidate }
  | { kind: 'denied'; pid: number; owner?: string; message: string; target: ProcessCandidate }
  | { kind: 'unsupported'; platform: string; message: string }
  | { kind: 'error'; pid?: number; message: string };

export type SessionEvent = 'status' | 'candidates' | 'sample' | 'goroutines' | 'sampling';

export interface SessionOptions {
  /** workspace folders (absolute paths) */
  folders: () => string[];
  intervalMs: number;
  /** the Linux collector's worker thread (keeps /proc reads off the caller's thread) */
  worker?: SocketWorker;
  /** debuggee PIDs reported by DAP `process` events */
  debugPids?: () => Array<{ pid: number; name?: string }>;
  /** how often to look for a process while there is none (or for the restart of an exited one); default 2000 */
  discoverEveryMs?: number;
  /** fetch goroutine dumps over loopback pprof (conndoctor.goroutines.enabled) */
  goroutines?: boolean;
  /** goroutine dump every N samples (default 5) */
  goroutinesEvery?: number;
  platform?: NodeJS.Platform;
  /** tests: a fake discovery */
  discoverFn?: typeof discover;
  /**
   * Workspace Trust (default: trusted). Looking at processes, reading their sockets and fetching their goroutine
   * dumps must not happen on behalf of a folder the user has not trusted; trustGranted() starts the session.
   */
  trusted?: () => boolean;
}

const SUPPORTED: NodeJS.Platform[] = ['linux', 'darwin', 'win32'];

/** The best candidate when it is clearly the one (alone at the top score), else undefined. */
export function clearWinner(cands: readonly ProcessCandidate[]): ProcessCandidate | undefined {
  if (!cands.length) return undefined;
  const top = cands[0].score;
  const tops = cands.filter((c) => c.score === top);
  return tops.length === 1 ? tops[0] : undefined;
}

export class SocketSession {
  status: SessionStatus = { kind: 'discovering' };
  candidates: ProcessCandidate[] = [];
  sampler: Sampler | undefined;
  goroutines: GoroutineReport | undefined;
  /** true once the user picked a process: no more automatic switching to another candidate */
  private picked = false;
  private paused = false;
  private intervalMs: number;
  private listeners = new Set<(e: SessionEvent) => void>();
  private timer: NodeJS.Timeout | undefined;
  private active = false;
  private disposed = false;
  private discovering: Promise<void> | undefined;
  private probe: GoroutineProbe | undefined;
  private samplesSinceProbe = 0;
  private readonly platform: NodeJS.Platform;

  constructor(private readonly opts: SessionOptions) {
    this.intervalMs = opts.intervalMs;
    this.platform = opts.platform ?? process.platform;
  }

  on(cb: (e: SessionEvent) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  private emit(e: SessionEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        /* a listener's bug must not stop the session */
      }
    }
  }

  private setStatus(s: SessionStatus): void {
    this.status = s;
    this.emit('status');
  }

  private get trusted(): boolean {
    return this.opts.trusted?.() ?? true;
  }

  /** Trust granted (onDidGrantWorkspaceTrust): start looking. */
  trustGranted(): void {
    if (this.status.kind !== 'untrusted' || !this.trusted) return;
    this.setStatus({ kind: 'discovering' });
    void this.discoverNow();
  }

  /** Not trusted: says so (once) and returns false. */
  private checkTrust(): boolean {
    if (this.trusted) return true;
    this.stopSampler();
    this.probe = undefined;
    this.goroutines = undefined;
    if (this.status.kind !== 'untrusted') this.setStatus({ kind: 'untrusted' });
    return false;
  }

  get history(): History | undefined {
    return this.sampler?.history;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  get interval(): number {
    return this.intervalMs;
  }

  /** Starts looking for the workspace's process (and keeps looking while none is attached). */
  start(): void {
    if (this.active || this.disposed) return;
    this.active = true;
    if (!SUPPORTED.includes(this.platform)) {
      this.setStatus({
        kind: 'unsupported',
        platform: this.platform,
        message: `live sockets are not supported on ${this.platform}`,
      });
      return;
    }
    if (!this.checkTrust()) return;
    void this.discoverNow();
  }

  /** Runs discovery now; auto-attaches when not attached and one candidate is clearly the workspace's program. */
  discoverNow(): Promise<void> {
    if (this.disposed || !this.checkTrust()) return Promise.resolve();
    this.discovering ??= (async () => {
      try {
        const found = await this.runDiscover();
        this.candidates = found;
        this.emit('candidates');
        await this.afterDiscover();
      } catch (e) {
        if (this.status.kind === 'discovering') this.setStatus({ kind: 'error', message: (e as Error).message });
      } finally {
        this.discovering = undefined;
        this.schedule();
      }
    })();
    return this.discovering;
  }

  private async runDiscover(): Promise<ProcessCandidate[]> {
    const d = this.opts.discoverFn ?? discover;
    const folders = this.opts.folders();
    const seen = new Map<number, ProcessCandidate>();
    for (const [i, folder] of folders.entries()) {
      // debug sessions and picks belong to the window, not to one folder: pass them with the first
      for (const c of await d({ workspace: folder, debugPids: i === 0 ? this.opts.debugPids?.() : undefined, platform: this.platform })) {
        const prev = seen.get(c.pid);
        if (!prev || c.score > prev.score) seen.set(c.pid, c);
      }
    }
    if (!folders.length && this.opts.debugPids?.().length)
      for (const c of await d({ workspace: '/', debugPids: this.opts.debugPids() })) seen.set(c.pid, c);
    return [...seen.values()].sort((a, b) => b.score - a.score || a.pid - b.pid);
  }

  /**
   * Among equally good candidates (a server and its load generator, both run from the workspace), the one that
   * listens is the one to watch: if exactly one of them has a LISTEN socket, it wins, with that as its reason.
   */
  private async listenerAmong(cands: readonly ProcessCandidate[]): Promise<ProcessCandidate | undefined> {
    const tops = cands.filter((c) => c.score === cands[0]?.score);
    if (tops.length < 2 || tops.length > 5) return undefined;
    const listening: Array<{ c: ProcessCandidate; where: string }> = [];
    for (const c of tops) {
      const col = createCollector(c.pid, { platform: this.platform, worker: this.opts.worker });
      try {
        const r = await col.collect();
        const l = r.kind === 'ok' ? r.snapshot.sockets.find((x) => x.state === 'LISTEN') : undefined;
        if (l) listening.push({ c, where: endpoint(l.localAddress, l.localPort) });
      } catch {
        /* not readable: not a winner */
      } finally {
        col.dispose?.();
      }
    }
    if (listening.length !== 1) return undefined;
    const { c, where } = listening[0];
    return { ...c, reasons: [reason('listens', where), ...c.reasons] };
  }

  private async afterDiscover(): Promise<void> {
    const s = this.status;
    if (s.kind === 'exited') {
      const next = findRestart(s.target, this.candidates);
      if (next) this.follow(next, s.target.pid);
      return;
    }
    if (s.kind === 'attached' || s.kind === 'denied' || s.kind === 'unsupported') return;
    if (s.kind === 'error' && s.pid !== undefined) return; // a failed manual attach stays until the user acts
    const best = this.picked ? undefined : (clearWinner(this.candidates) ?? (await this.listenerAmong(this.candidates)));
    if (this.disposed || this.status.kind === 'attached') return;
    if (best) this.attachTo(best);
    else if (this.candidates.length) {
      if (s.kind !== 'choose') this.setStatus({ kind: 'choose' });
    } else if (s.kind !== 'no-process') this.setStatus({ kind: 'no-process' });
  }

  /**
   * Whether anyone looks: while the view is hidden and nothing is attached, discovery stops polling (a restart of
   * an exited target is still looked for: the status bar shows it).
   */
  setVisible(visible: boolean): void {
    this.visible = visible;
    if (visible) {
      const k = this.status.kind;
      if (k === 'no-process' || k === 'choose' || k === 'discovering') void this.discoverNow();
    }
  }

  private visible = true;

  /** Keeps discovery polling while there is nothing to sample (and while waiting for a restart). */
  private schedule(): void {
    if (this.timer || this.disposed || !this.active) return;
    const k = this.status.kind;
    if (k !== 'no-process' && k !== 'choose' && k !== 'exited' && k !== 'discovering') return;
    if (k !== 'exited' && !this.visible) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        void this.discoverNow();
      },
      k === 'exited' ? Math.min(1000, this.opts.discoverEveryMs ?? 2000) : (this.opts.discoverEveryMs ?? 2000),
    );
  }

  /** Attach to a PID the user picked (from the list, or typed). */
  async attach(pid: number, manual: boolean): Promise<void> {
    if (!this.checkTrust()) return;
    this.picked = true;
    let cand = this.candidates.find((c) => c.pid === pid);
    if (!cand) {
      const d = this.opts.discoverFn ?? discover;
      cand = (await d({ workspace: this.opts.folders()[0] ?? '/', pickedPids: [pid], platform: this.platform })).find((c) => c.pid === pid);
    }
    cand ??= { pid, name: String(pid), cmdline: [], kind: 'picked', reasons: [], score: 100 };
    this.manualPid = manual ? pid : undefined;
    this.attachTo(cand);
  }

  /** the pid the user typed (a mistyped one is reported, not waited for) */
  private manualPid: number | undefined;

  private newSampler(pid: number): Sampler {
    return new Sampler(createCollector(pid, { platform: this.platform, worker: this.opts.worker }), { intervalMs: this.intervalMs });
  }

  private attachTo(target: ProcessCandidate): void {
    if (!this.checkTrust()) return;
    this.stopSampler();
    this.goroutines = undefined;
    this.probe = this.opts.goroutines ? this.newProbe(target) : undefined;
    this.samplesSinceProbe = 0;
    const sampler = this.newSampler(target.pid);
    this.sampler = sampler;
    sampler.onSample((h) => this.onSample(sampler, h));
    this.setStatus({ kind: 'attached', target });
    if (!this.paused) sampler.start();
    else void sampler.sampleNow();
  }

  private newProbe(target: ProcessCandidate): GoroutineProbe {
    return new GoroutineProbe({ modulePath: target.mainModule, workspaceDir: this.opts.folders()[0] });
  }

  /** A restart of the same program: the sampler goes on with the new pid and keeps its history. */
  private follow(next: ProcessCandidate, fromPid: number): void {
    const sampler = this.sampler;
    if (!sampler) return this.attachTo(next);
    sampler.retarget(createCollector(next.pid, { platform: this.platform, worker: this.opts.worker }));
    this.goroutines = undefined;
    if (this.opts.goroutines) this.probe = this.newProbe(next);
    this.setStatus({ kind: 'attached', target: next, followedFrom: fromPid });
    if (!this.paused) sampler.start();
    else void sampler.sampleNow();
  }

  private onSample(sampler: Sampler, h: History): void {
    if (sampler !== this.sampler) return;
    const s = this.status;
    const target = s.kind === 'attached' || s.kind === 'exited' || s.kind === 'denied' ? s.target : undefined;
    if (h.status === 'ok') {
      if (s.kind !== 'attached' && target) this.setStatus({ kind: 'attached', target });
      this.emit('sample');
      this.maybeProbe(h);
      return;
    }
    if (!target) return;
    if (h.status === 'exited' || h.status === 'missing') {
      if (s.kind !== 'exited') {
        if (h.status === 'missing' && !h.samples.length) {
          this.stopSampler();
          // a typed pid that does not exist is reported, not waited for; a discovered one that died at once: look again
          if (this.manualPid === target.pid) {
            this.setStatus({ kind: 'error', pid: target.pid, message: h.message ?? `no such process: ${target.pid}` });
          } else {
            this.setStatus({ kind: 'discovering' });
            void this.discoverNow();
          }
          return;
        }
        this.setStatus({ kind: 'exited', pid: target.pid, message: h.message ?? `process ${target.pid} exited`, target });
        this.schedule();
        void this.discoverNow();
      }
    } else if (h.status === 'denied') {
      this.setStatus({ kind: 'denied', pid: target.pid, owner: h.owner, message: h.message ?? 'not permitted', target });
    } else if (h.status === 'unsupported') {
      this.setStatus({ kind: 'unsupported', platform: this.platform, message: h.message ?? 'not supported' });
    } else if (h.status === 'error') {
      // transient (a worker hiccup): keep sampling, report it
      this.emit('sample');
    }
    if (isFinal(h.status)) sampler.stop();
  }

  private maybeProbe(h: History): void {
    if (!this.probe || !h.latest) return;
    if (this.samplesSinceProbe++ % (this.opts.goroutinesEvery ?? 5) !== 0) return;
    const probe = this.probe;
    void probe.fetch(h.latest.sockets).then(
      (r) => {
        if (probe !== this.probe) return;
        this.goroutines = r;
        this.emit('goroutines');
      },
      () => {},
    );
  }

  setGoroutines(on: boolean): void {
    this.opts.goroutines = on;
    const s = this.status;
    if (!this.trusted) return;
    this.probe = on && (s.kind === 'attached' || s.kind === 'exited') ? this.newProbe(s.target) : undefined;
    this.samplesSinceProbe = 0;
    if (!on) this.goroutines = undefined;
    this.emit('goroutines');
  }

  pause(): void {
    this.paused = true;
    this.sampler?.stop();
    this.emit('sampling');
  }

  resume(): void {
    this.paused = false;
    if (this.sampler && this.status.kind === 'attached') this.sampler.start();
    this.emit('sampling');
  }

  setInterval(ms: number): void {
    this.intervalMs = ms;
    this.sampler?.setInterval(ms);
    this.emit('sampling');
  }

  private stopSampler(): void {
    this.sampler?.dispose();
    this.sampler = undefined;
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.stopSampler();
    this.listeners.clear();
  }
}
