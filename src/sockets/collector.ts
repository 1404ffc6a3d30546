// Picks the collector for the platform; on Linux optionally runs it in a worker thread (dist/sockets-worker.js).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DarwinCollector } from './darwin';
import { LinuxCollector } from './linux';
import type { CollectResult, Collector } from './model';
import { WindowsCollector } from './windows';

/** One worker thread serving any number of pids. */
export class SocketWorker {
  private worker: Worker | undefined;
  private seq = 0;
  private pending = new Map<number, { resolve: (r: CollectResult) => void; pid: number }>();

  constructor(private readonly script: string) {}

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(this.script);
    w.unref();
    w.on('message', (m: { id: number; result: CollectResult }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (!this.pending.size) w.unref();
      p.resolve(m.result);
    });
    const fail = (e: Error) => {
      for (const [, p] of this.pending) p.resolve({ kind: 'error', pid: p.pid, message: `socket worker: ${e.message}` });
      this.pending.clear();
      this.worker = undefined;
    };
    w.on('error', fail);
    w.on('exit', (code) => code !== 0 && fail(new Error(`exited with ${code}`)));
    this.worker = w;
    return w;
  }

  collect(pid: number): Promise<CollectResult> {
    const w = this.ensure();
    const id = ++this.seq;
    w.ref();
    return new Promise((resolve) => {
      this.pending.set(id, { resolve, pid });
      w.postMessage({ id, pid });
    });
  }

  forget(pid: number): void {
    this.worker?.postMessage({ id: 0, pid, dispose: true });
  }

  async terminate(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }
}

export class WorkerCollector implements Collector {
  constructor(
    readonly pid: number,
    private readonly worker: SocketWorker,
  ) {}
  collect(): Promise<CollectResult> {
    return this.worker.collect(this.pid);
  }
  dispose(): void {
    this.worker.forget(this.pid);
  }
}

/** The bundled worker next to this file (dist/sockets-worker.js), if present. */
export function defaultWorkerScript(dir = __dirname): string | undefined {
  const p = join(dir, 'sockets-worker.js');
  return existsSync(p) ? p : undefined;
}

export interface CreateCollectorOptions {
  platform?: NodeJS.Platform;
  /** Linux: collect in this worker thread instead of on the caller's thread */
  worker?: SocketWorker;
}

export function createCollector(pid: number, opts: CreateCollectorOptions = {}): Collector {
  const platform = opts.platform ?? process.platform;
  if (platform === 'linux') return opts.worker ? new WorkerCollector(pid, opts.worker) : new LinuxCollector(pid);
  if (platform === 'darwin') return new DarwinCollector(pid);
  if (platform === 'win32') return new WindowsCollector(pid);
  return {
    pid,
    collect: async () => ({ kind: 'unsupported', pid, platform, message: `live sockets are not supported on ${platform}` }),
  };
}
