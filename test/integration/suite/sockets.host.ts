// The Live Sockets view's host side inside the real extension host: opening the view starts the session, which
// attaches by itself to the leaky example server started in the workspace folder (as a user would with
// `go run ./leakyserver`), sees CLOSE_WAIT climb under the load generator, shows it in the status bar, reports
// the close-wait symptom, exports the snapshot, and follows a restart of the server.
import * as assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { extension, waitFor, workspaceRoot } from './helpers';

interface SocketsState {
  status: string;
  pid?: number;
  counts?: Record<string, number>;
  guidance: string[];
}

function api(): { sockets: { state(): SocketsState } } {
  return extension().exports as { sockets: { state(): SocketsState } };
}

const started: ChildProcess[] = [];

/** Fails with `what` instead of hanging until the test's timeout (and says which step it was). */
function within<T>(p: Thenable<T>, ms: number, what: string): Promise<T> {
  console.log(`    - ${what}`);
  return Promise.race([
    Promise.resolve(p),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms)),
  ]);
}

function start(bin: string, args: string[], cwd: string): ChildProcess & { log: () => string } {
  const cp = spawn(bin, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let log = '';
  cp.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  started.push(cp);
  return Object.assign(cp, { log: () => log });
}

function kill(cp: ChildProcess): Promise<void> {
  if (cp.exitCode !== null || cp.signalCode !== null) return Promise.resolve();
  const done = new Promise<void>((r) => cp.once('exit', () => r()));
  try {
    process.kill(-cp.pid!, 'SIGKILL');
  } catch {
    cp.kill('SIGKILL');
  }
  return done;
}

(process.platform === 'linux' ? describe : describe.skip)('sockets view: the leaky example in the workspace', function () {
  this.timeout(180_000);
  let bin: string;
  let load: string;
  let tmp: string;

  before(async function () {
    this.timeout(240_000);
    await extension().activate();
    const ws = workspaceRoot().fsPath;
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'conndoctor-host-sockets-'));
    // built binaries, so that the test does not time `go run`'s compile; the server runs in the workspace folder
    bin = path.join(tmp, 'leakyserver');
    load = path.join(tmp, 'loadgen');
    execFileSync('go', ['build', '-o', bin, './leakyserver'], { cwd: ws, env: { ...process.env, CGO_ENABLED: '0' } });
    execFileSync('go', ['build', '-o', load, './loadgen'], { cwd: ws, env: { ...process.env, CGO_ENABLED: '0' } });
  });

  after(async () => {
    await Promise.all(started.map(kill));
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('sockets view: attaches to the server, sees CLOSE_WAIT climb, exports it, follows a restart', async () => {
    const ws = workspaceRoot().fsPath;
    const server = start(bin, ['-addr', '127.0.0.1:0'], ws);
    const addr = await waitFor(() => /listening on (127\.0\.0\.1:\d+)/.exec(server.log())?.[1], 'the server to listen');
    await within(vscode.commands.executeCommand('conndoctor.showSockets'), 30_000, 'show the view');
    const s = await waitFor(
      (): SocketsState | undefined => {
        const st = api().sockets.state();
        return st.status === 'attached' && st.pid === server.pid && st.counts?.LISTEN === 1 ? st : undefined;
      },
      `the view to attach to pid ${server.pid} (state: ${JSON.stringify(api().sockets.state())})`,
      30_000,
    );
    assert.equal(s.counts?.CLOSE_WAIT ?? 0, 0);
    // the load generator runs outside the workspace: it is not a candidate
    start(load, ['-addr', addr, '-rate', '20'], tmp);
    const seen: number[] = [];
    await waitFor(
      () => {
        const n = api().sockets.state().counts?.CLOSE_WAIT ?? 0;
        if (seen.at(-1) !== n) seen.push(n);
        return seen.length >= 3 && n >= 20;
      },
      `CLOSE_WAIT to climb (seen ${seen.join(' -> ')})`,
      30_000,
    );
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i] > seen[i - 1], `CLOSE_WAIT rises: ${seen.join(' -> ')}`);
    await waitFor(() => api().sockets.state().guidance.includes('close-wait'), 'the close-wait symptom');

    await within(vscode.commands.executeCommand('conndoctor.sockets.copyMarkdown'), 30_000, 'copy as Markdown');
    const md = await within(vscode.env.clipboard.readText(), 30_000, 'read the clipboard');
    assert.match(md, /\*\*leakyserver sockets\*\* — pid \d+/);
    assert.match(md, /CLOSE_WAIT \d+/);
    assert.match(md, /\| CLOSE_WAIT \| 127\.0\.0\.1:\d+ \| 127\.0\.0\.1:\d+ \|/);

    // restart the server on the same address: the view follows it, and the fixed-or-not server starts from zero
    await within(kill(server), 30_000, 'stop the server');
    await waitFor(() => api().sockets.state().status === 'exited', 'the view to see the exit');
    const again = start(bin, ['-addr', addr], ws);
    await waitFor(
      () => {
        const st = api().sockets.state();
        return st.status === 'attached' && st.pid === again.pid;
      },
      'the view to follow the restart',
      30_000,
    );
  });
});
