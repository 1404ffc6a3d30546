// Process discovery against real processes: a `go run`, a built binary, and a Delve debuggee whose PID comes
// from the DAP `process` event.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DebugPidRegistry, discover, readGoBuildInfo } from '../../src/sockets/discover';
import { LinuxCollector } from '../../src/sockets/linux';
import { alive, buildGo, GO_DIR, startProcess, stopAll, waitFor } from './helpers';

const linux = process.platform === 'linux';
const WS = join(GO_DIR, 'leaky-server');

function dlvPath(): string | undefined {
  try {
    const gobin = join(execFileSync('go', ['env', 'GOPATH'], { encoding: 'utf8' }).trim(), 'bin', 'dlv');
    if (existsSync(gobin)) return gobin;
    return execFileSync('sh', ['-c', 'command -v dlv'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Minimal DAP client over TCP: Content-Length framing, requests with seq, every message recorded. */
class Dap {
  private buf = Buffer.alloc(0);
  private seq = 0;
  readonly messages: Array<Record<string, unknown>> = [];
  private waiters: Array<{ pred: (m: Record<string, unknown>) => boolean; resolve: (m: Record<string, unknown>) => void }> = [];
  constructor(private readonly sock: Socket) {
    sock.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      for (;;) {
        const h = this.buf.indexOf('\r\n\r\n');
        if (h < 0) return;
        const len = Number(/Content-Length: (\d+)/i.exec(this.buf.subarray(0, h).toString())?.[1]);
        if (this.buf.length < h + 4 + len) return;
        const m = JSON.parse(this.buf.subarray(h + 4, h + 4 + len).toString()) as Record<string, unknown>;
        this.buf = this.buf.subarray(h + 4 + len);
        this.messages.push(m);
        this.waiters = this.waiters.filter((w) => (w.pred(m) ? (w.resolve(m), false) : true));
      }
    });
  }
  wait(pred: (m: Record<string, unknown>) => boolean, timeoutMs = 60000): Promise<Record<string, unknown>> {
    const got = this.messages.find(pred);
    if (got) return Promise.resolve(got);
    return new Promise((resolve, reject) => {
      const t = setTimeout(
        () => reject(new Error(`DAP: timed out; got ${this.messages.map((m) => m.event ?? m.command).join(',')}`)),
        timeoutMs,
      );
      this.waiters.push({ pred, resolve: (m) => (clearTimeout(t), resolve(m)) });
    });
  }
  request(command: string, args: unknown): Promise<Record<string, unknown>> {
    const seq = ++this.seq;
    const body = JSON.stringify({ seq, type: 'request', command, arguments: args });
    this.sock.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    return this.wait((m) => m.type === 'response' && m.request_seq === seq);
  }
}

(linux ? describe : describe.skip)('process discovery (Linux, real processes)', function () {
  this.timeout(60000);
  const pids: number[] = [];
  let bin: string;

  before(function () {
    this.timeout(120000);
    bin = buildGo('leaky-server');
  });

  afterEach(async () => {
    pids.push(...(await stopAll()));
  });

  after(() => {
    const left = pids.filter(alive);
    assert.deepEqual(left, [], `processes left behind: ${left.join(', ')}`);
  });

  it('reads the Go build info of a binary', () => {
    const info = readGoBuildInfo(bin);
    assert.equal(info?.module, 'example.com/leaky-server');
    assert.match(info?.goVersion ?? '', /^go1\.\d+/);
    assert.equal(readGoBuildInfo(process.execPath), null); // node is not a Go binary
  });

  it('finds a `go run` child (not the go tool) by its go-build exe and cwd', async function () {
    this.timeout(120000);
    const cp = startProcess('go', ['run', '.', '-addr', '127.0.0.1:0'], { cwd: WS });
    let log = '';
    cp.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    const cand = await waitFor(async () => (await discover({ workspace: WS })).find((c) => c.kind === 'go-run'), 90000, 200).catch(
      (e: Error) => {
        throw new Error(`${e.message}; go run said: ${log}`);
      },
    );
    assert.notEqual(cand.pid, cp.pid, 'the go tool itself must not be the candidate');
    assert.equal(cand.ppid, cp.pid);
    // first run: $GOTMPDIR/go-build*/b001/exe/; Go ≥ 1.24 then runs the cached copy from $GOCACHE/xx/<hash>-d/
    assert.match(cand.exe!, /(go-build\d+\/b\d+\/exe|\/[0-9a-f]{2}\/[0-9a-f]{64}-d)\/leaky-server$/);
    assert.deepEqual(
      cand.reasons.map((r) => r.code),
      ['go-build-exe', 'cwd-in-workspace', 'module-matches'],
    );
    assert.ok(cand.reasons.every((r) => r.en && r['zh-cn']));
    const all = await discover({ workspace: WS });
    assert.ok(!all.some((c) => c.pid === cp.pid));
    // and its sockets are readable
    const r = await waitFor(() => {
      const x = new LinuxCollector(cand.pid).collectSync();
      return x.kind === 'ok' && x.snapshot.sockets.some((s) => s.state === 'LISTEN') && x;
    });
    assert.ok(r);
  });

  it('finds a built binary running in the workspace by its main module', async () => {
    const cp = startProcess(bin, ['-addr', '127.0.0.1:0'], { cwd: WS });
    const cand = await waitFor(async () => (await discover({ workspace: WS })).find((c) => c.pid === cp.pid));
    assert.equal(cand.kind, 'built-binary');
    assert.equal(cand.mainModule, 'example.com/leaky-server');
    assert.ok(cand.reasons.some((r) => r.code === 'module-matches'));
    // a process outside the workspace is not a candidate
    const other = startProcess(bin, ['-addr', '127.0.0.1:0'], { cwd: tmpdir() });
    await waitFor(() => existsSync(`/proc/${other.pid}`));
    assert.ok(!(await discover({ workspace: WS })).some((c) => c.pid === other.pid));
  });

  it('gets the Delve debuggee PID from the DAP process event, and finds __debug_bin by itself', async function () {
    const dlv = dlvPath();
    if (!dlv) {
      console.log('      (skipped: dlv is not installed; go install github.com/go-delve/delve/cmd/dlv@latest)');
      this.skip();
    }
    const tmp = mkdtempSync(join(tmpdir(), 'conndoctor-dlv-'));
    try {
      const debugBin = join(tmp, '__debug_bin_conndoctor');
      copyFileSync(bin, debugBin);
      const server = startProcess(dlv!, ['dap', '--listen=127.0.0.1:0'], { cwd: tmp });
      let out = '';
      server.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      const addr = await waitFor(() => /listening at: (127\.0\.0\.1:\d+)/.exec(out)?.[1], 20000);
      const [host, port] = addr.split(':');
      const sock = connect(Number(port), host);
      await new Promise((r) => sock.once('connect', r));
      const dap = new Dap(sock);
      await dap.request('initialize', {
        clientID: 'conndoctor-test',
        adapterID: 'go',
        pathFormat: 'path',
        linesStartAt1: true,
        columnsStartAt1: true,
      });
      const launched = await dap.request('launch', {
        request: 'launch',
        mode: 'exec',
        program: debugBin,
        args: ['-addr', '127.0.0.1:0'],
        cwd: WS,
      });
      assert.equal(launched.success, true, JSON.stringify(launched));
      const ev = await dap.wait((m) => m.type === 'event' && m.event === 'process', 10000);
      const registry = new DebugPidRegistry();
      const pid = registry.onDidSendMessage('session-1', ev);
      assert.ok(pid && pid > 0);
      await dap.request('configurationDone', {});
      const cands = await discover({ workspace: WS, debugPids: registry.pids() });
      const c = cands.find((x) => x.pid === pid);
      assert.ok(c, `debuggee ${pid} not found in ${JSON.stringify(cands.map((x) => x.pid))}`);
      assert.equal(c.kind, 'debug-session');
      const codes = c.reasons.map((r) => r.code);
      assert.ok(codes.includes('dap-process-event'));
      // without the event, the process tree still finds it (child of dlv, __debug_bin name)
      const bare = (await discover({ workspace: WS })).find((x) => x.pid === pid);
      assert.equal(bare?.kind, 'delve-debuggee');
      assert.ok(bare!.reasons.some((r) => r.code === 'child-of-dlv'));
      assert.ok(bare!.reasons.some((r) => r.code === 'debug-bin-name'));
      // the debuggee runs and its listener is visible
      await waitFor(() => {
        const r = new LinuxCollector(pid).collectSync();
        return r.kind === 'ok' && r.snapshot.sockets.some((s) => s.state === 'LISTEN');
      }, 10000);
      await dap.request('disconnect', { terminateDebuggee: true }).catch(() => undefined);
      sock.destroy();
      await waitFor(() => !alive(pid), 10000);
      registry.sessionEnded('session-1');
      assert.deepEqual(registry.pids(), []);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
