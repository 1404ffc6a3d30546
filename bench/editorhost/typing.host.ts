// Runs inside the real extension host (code-server): types into net/http's transport.go (a copy
// in the workspace) and measures, with our language server running and then stopped:
//   - the extension host's event-loop delay (perf_hooks.monitorEventLoopDelay, 1 ms resolution):
//     its longest stall while typing, the part a user feels;
//   - edit -> diagnostics as the editor sees them (the next change of our diagnostics after an edit);
//   - from a CPU profile of the extension host (inspector, 100 µs sampling), the time spent in our
//     bundle (dist/extension.js: the language client and our code) and its longest unbroken
//     stretch: the stall caused by us, apart from the rest of the host and the machine's load.
// Prints one line `CONNDOCTOR_PERF {json}` that bench/vscodehost.ts reads.
import { Session } from 'node:inspector';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as vscode from 'vscode';
import type { ConnDoctorApi } from '../../src/vscode/extension';

const EXT = 'go-conn-doctor.go-conn-doctor';
const KEYS = Number(process.env.CONNDOCTOR_PERF_KEYS ?? 120);
const GAP_MS = Number(process.env.CONNDOCTOR_PERF_GAP_MS ?? 60);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface ProfileNode {
  id: number;
  callFrame: { url: string; functionName: string };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Time in our bundle (any frame of the stack in dist/extension.js) and its longest unbroken run, ms. */
function ours(profile: Profile): { totalMs: number; longestMs: number; longestAt: string } {
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const mine = new Map<number, string | null>();
  // The outermost frame of ours in the stack, and the leaf (what ran), for naming the stretch.
  const isOurs = (id: number): string | null => {
    if (mine.has(id)) return mine.get(id)!;
    let cur: number | undefined = id;
    let hit: string | null = null;
    const leaf = byId.get(id)!.callFrame;
    while (cur !== undefined) {
      const n = byId.get(cur)!;
      if (n.callFrame.url.includes('/dist/extension.js'))
        hit = `${n.callFrame.functionName || '(anonymous)'}:${(n.callFrame as { lineNumber?: number }).lineNumber ?? '?'} > ${leaf.functionName || '(anonymous)'} ${leaf.url.split('/').pop()}`;
      cur = parent.get(cur);
    }
    mine.set(id, hit);
    return hit;
  };
  let total = 0;
  let run = 0;
  let longest = 0;
  let longestAt = '';
  let runAt = '';
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const at = isOurs(profile.samples[i]);
    if (at) {
      total += dt;
      if (!run) runAt = at;
      run += dt;
      if (run > longest) {
        longest = run;
        longestAt = runAt;
      }
    } else run = 0;
  }
  return { totalMs: +total.toFixed(1), longestMs: +longest.toFixed(2), longestAt };
}

function profiler(): { stop(): Promise<Profile> } {
  const s = new Session();
  s.connect();
  const post = <T>(m: string, p?: object) =>
    new Promise<T>((res, rej) => s.post(m, p ?? {}, (e: Error | null, r?: unknown) => (e ? rej(e) : res(r as T))));
  const started = post('Profiler.enable')
    .then(() => post('Profiler.setSamplingInterval', { interval: 100 }))
    .then(() => post('Profiler.start'));
  return {
    stop: async () => {
      await started;
      const r = await post<{ profile: Profile }>('Profiler.stop');
      s.disconnect();
      return r.profile;
    },
  };
}

async function typeInto(editor: vscode.TextEditor, line: number, withDiagnostics: boolean) {
  const uri = editor.document.uri;
  const latencies: number[] = [];
  let pendingSince: number | undefined;
  const sub = vscode.languages.onDidChangeDiagnostics((e) => {
    if (pendingSince !== undefined && e.uris.some((u) => u.toString() === uri.toString())) {
      const ours = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'conndoctor');
      // our diagnostics moved with the new line: the answer for the latest edit has arrived
      if (ours.length) {
        latencies.push(performance.now() - pendingSince);
        pendingSince = undefined;
      }
    }
  });
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  const prof = profiler();
  const t0 = performance.now();
  for (let i = 0; i < KEYS; i++) {
    // A newline every 20 characters: findings below shift, so every answer changes the diagnostics.
    const ch = i % 20 === 19 ? '\n' : 'x';
    const pos = editor.document.lineAt(line).range.end;
    await editor.edit((b) => b.insert(pos, i % 20 === 0 ? `// ${ch}` : ch), { undoStopBefore: false, undoStopAfter: false });
    if (ch === '\n') line++;
    if (withDiagnostics && pendingSince === undefined) pendingSince = performance.now();
    await sleep(GAP_MS);
  }
  const ms = performance.now() - t0;
  await sleep(1500);
  h.disable();
  const cpu = ours(await prof.stop());
  sub.dispose();
  latencies.sort((a, b) => a - b);
  const q = (p: number) =>
    latencies.length ? Math.round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]) : null;
  return {
    keys: KEYS,
    typingMs: Math.round(ms),
    loopDelayMaxMs: Math.round(h.max / 1e6),
    loopDelayP99Ms: Math.round(h.percentile(99) / 1e6),
    loopDelayMeanMs: +(h.mean / 1e6).toFixed(2),
    diagnosticsUpdates: latencies.length,
    editToDiagnosticsP50Ms: q(0.5),
    editToDiagnosticsP95Ms: q(0.95),
    oursCpuMs: cpu.totalMs,
    oursLongestMs: cpu.longestMs,
    oursLongestIn: cpu.longestAt,
  };
}

describe('perf: typing into transport.go', function () {
  this.timeout(300_000);
  it('measures the extension host with and without the language server', async () => {
    const ext = vscode.extensions.getExtension(EXT)!;
    const api = (ext.isActive ? ext.exports : await ext.activate()) as ConnDoctorApi;
    const [uri] = await vscode.workspace.findFiles('http/transport.go', undefined, 1);
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc);
    const t0 = performance.now();
    for (;;) {
      if (vscode.languages.getDiagnostics(uri).some((d) => d.source === 'conndoctor')) break;
      if (performance.now() - t0 > 120_000) throw new Error('no diagnostics on transport.go within 120 s');
      await sleep(50);
    }
    const openMs = Math.round(performance.now() - t0);
    await api.whenIdle();
    // A line inside a function, a third of the way down.
    const line = Math.floor(doc.lineCount / 3);
    const withServer = await typeInto(editor, line, true);
    const status = await api.status();
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await api.stopServer();
    await sleep(500);
    const withoutServer = await typeInto(editor, line, false);
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await api.startServer();
    console.log(
      `CONNDOCTOR_PERF ${JSON.stringify({ openMs, withServer, withoutServer, serverRssMb: Math.round(status.memory.rss / 1048576), serverTimings: status.timings })}`,
    );
  });
});
