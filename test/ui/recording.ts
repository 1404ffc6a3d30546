// Recorded collector output of real Go processes (test/ui/record.ts), stored compactly: the first sample in full,
// then per sample only the sockets added, the fields that changed and the keys removed; gzipped JSON.
// Replaying gives back the exact CollectResult sequence, which the tests push through the real sampler,
// guidance and ViewFeed to get the messages the extension host would send.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { ProcessCandidate } from '../../src/sockets/discover';
import type { GoroutineReport } from '../../src/sockets/goroutines';
import type { CollectResult, SocketInfo, Snapshot } from '../../src/sockets/model';

type Meta = Omit<Snapshot, 'sockets' | 'pid'>;
type Step =
  | { kind: 'ok'; meta: Meta; add: SocketInfo[]; change: (Partial<SocketInfo> & { key: string })[]; remove: string[] }
  | { kind: 'result'; result: Exclude<CollectResult, { kind: 'ok' }> };

export interface Recording {
  name: string;
  description: string;
  recordedAt: string;
  goVersion: string;
  kernel: string;
  pid: number;
  candidate?: ProcessCandidate;
  goroutines?: GoroutineReport;
  /** files of the recorded program, relative to the repository (for "Find the cause") */
  sources?: string[];
  steps: Step[];
}

// dup'ed fds and tcp/tcp6 duplicates share a key; the sampler keeps the first, and so does the codec
function byKey(sockets: SocketInfo[]): Map<string, SocketInfo> {
  const m = new Map<string, SocketInfo>();
  for (const s of sockets) if (!m.has(s.key)) m.set(s.key, s);
  return m;
}

export function encode(results: CollectResult[]): Step[] {
  let prev = new Map<string, SocketInfo>();
  return results.map((r): Step => {
    if (r.kind !== 'ok') return { kind: 'result', result: r };
    const { sockets, pid: _pid, ...meta } = r.snapshot;
    const cur = byKey(sockets);
    const add: SocketInfo[] = [];
    const change: (Partial<SocketInfo> & { key: string })[] = [];
    for (const [k, s] of cur) {
      const p = prev.get(k);
      if (!p) {
        add.push(s);
        continue;
      }
      const d: Partial<SocketInfo> & { key: string } = { key: k };
      let n = 0;
      for (const f of Object.keys(s) as (keyof SocketInfo)[]) {
        if (s[f] !== p[f]) {
          (d as Record<string, unknown>)[f] = s[f];
          n++;
        }
      }
      for (const f of Object.keys(p) as (keyof SocketInfo)[]) {
        if (!(f in s)) {
          (d as Record<string, unknown>)[f] = null;
          n++;
        }
      }
      if (n) change.push(d);
    }
    const remove = [...prev.keys()].filter((k) => !cur.has(k));
    prev = cur;
    return { kind: 'ok', meta, add, change, remove };
  });
}

export function decode(rec: Recording): CollectResult[] {
  let cur = new Map<string, SocketInfo>();
  return rec.steps.map((st): CollectResult => {
    if (st.kind !== 'ok') return st.result;
    const next = new Map(cur);
    for (const k of st.remove) next.delete(k);
    for (const c of st.change) {
      const s: Record<string, unknown> = { ...next.get(c.key)! };
      for (const [f, v] of Object.entries(c)) {
        if (v === null) delete s[f];
        else s[f] = v;
      }
      next.set(c.key, s as unknown as SocketInfo);
    }
    for (const s of st.add) next.set(s.key, s);
    cur = next;
    return { kind: 'ok', snapshot: { pid: rec.pid, ...st.meta, sockets: [...next.values()] } };
  });
}

const REPO = join(__dirname, '..', '..');

/** Paths into the repository (the recording checkout, or the one the Go binary was built in) become `$REPO`. */
export function saveRecording(file: string, rec: Recording): void {
  const json = JSON.stringify(rec)
    .replace(/"\/[^"]*?\/test\/live\/go\//g, '"$REPO/test/live/go/')
    .split(REPO)
    .join('$REPO');
  writeFileSync(file, gzipSync(json, { level: 9 }));
}

export function loadRecording(file: string): Recording {
  return JSON.parse(gunzipSync(readFileSync(file)).toString('utf8').split('$REPO').join(REPO)) as Recording;
}
