// Messages between the language server's message loop and its analysis worker (worker.ts).
import type { AnalyzeOptions } from '../analysis/engine';
import type { TextChange } from './parsedDoc';

/** What a job asks the analysis host for. */
export type JobKind = 'analyze' | 'card' | 'fixAll' | 'stats' | 'snippetSite';

export type HostMessage =
  | { t: 'open'; uri: string; path: string; onDisk: boolean; text: string; version: number }
  | { t: 'change'; uri: string; version: number; changes: TextChange[] }
  | { t: 'close'; uri: string }
  | { t: 'disk'; paths: string[] | 'all' }
  | { t: 'job'; id: number; kind: JobKind; uri: string; version: number; opts: AnalyzeOptions; offset?: number; sets?: string[][] };

export type HostReply =
  | { t: 'result'; id: number; ok: true; value: unknown; waitedMs: number }
  | { t: 'result'; id: number; ok: false; cancelled: boolean; error: string };
