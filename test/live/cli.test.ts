// `conndoctor sockets` against the leaky example server (test/live/go/leaky-server) under load: CLOSE_WAIT grows
// and the guidance names the rules to look for.
import { strict as assert } from 'node:assert';
import { runSocketsCli } from '../../src/sockets/cli';
import { alive, buildGo, GO_DIR, startProcess, stopAll, waitFor } from './helpers';
import { join } from 'node:path';
import { LinuxCollector } from '../../src/sockets/linux';

const linux = process.platform === 'linux';

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runSocketsCli(args, { out: (s) => (out += s), err: (s) => (err += s), isTTY: false });
  return { code, out, err };
}

(linux ? describe : describe.skip)('conndoctor sockets (leaky example server)', function () {
  this.timeout(30000);
  let bin: string;
  const pids: number[] = [];

  before(function () {
    this.timeout(120000);
    bin = buildGo('leaky-server');
  });

  after(async () => {
    pids.push(...(await stopAll()));
    const left = pids.filter(alive);
    assert.deepEqual(left, [], `processes left behind: ${left.join(', ')}`);
  });

  it('shows CLOSE_WAIT growing and the close-wait guidance (text, en and zh-cn, and JSON)', async () => {
    const server = startProcess(bin, ['-addr', '127.0.0.1:0']);
    let log = '';
    server.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    const addr = await waitFor(() => /listening on (127\.0\.0\.1:\d+)/.exec(log)?.[1]);
    startProcess(bin, ['-load', addr, '-every', '100ms']);
    await waitFor(() => {
      const r = new LinuxCollector(server.pid!).collectSync();
      return r.kind === 'ok' && r.snapshot.sockets.filter((s) => s.state === 'CLOSE_WAIT').length >= 2;
    });

    const text = await cli(['--pid', String(server.pid), '--samples', '3', '--interval', '500']);
    assert.equal(text.code, 0, text.err);
    const m = /CLOSE_WAIT (\d+) \(\+(\d+)\)/.exec(text.out);
    assert.ok(m, text.out);
    assert.ok(Number(m[2]) >= 3, `CLOSE_WAIT grew by ${m[2]}`);
    assert.match(text.out, /\[error\] CLOSE_WAIT sockets are growing: connections are leaking/);
    assert.match(text.out, /look for: conn-not-closed, read-no-deadline/);
    assert.match(text.out, /LISTEN +127\.0\.0\.1:\d+/);

    const zh = await cli(['--pid', String(server.pid), '--samples', '2', '--interval', '500', '--lang', 'zh-cn']);
    assert.match(zh.out, /CLOSE_WAIT 套接字在增加：连接正在泄漏/);
    assert.match(zh.out, /检查规则: conn-not-closed, read-no-deadline/);

    const js = await cli(['--pid', String(server.pid), '--samples', '2', '--interval', '500', '--json']);
    const o = JSON.parse(js.out);
    assert.equal(o.status, 'ok');
    assert.ok(o.countsHistory[1].counts.CLOSE_WAIT > o.countsHistory[0].counts.CLOSE_WAIT);
    assert.equal(o.guidance[0].id, 'close-wait');
    assert.deepEqual(o.guidance[0].rules, ['conn-not-closed', 'read-no-deadline']);
    assert.ok(o.sockets.every((s: { attribution: string }) => s.attribution === 'fd' || s.attribution === 'listen-port'));
  });

  it('--workspace finds the server by itself; bad input and exited processes give exit status 2', async () => {
    const server = startProcess(bin, ['-addr', '127.0.0.1:0'], { cwd: join(GO_DIR, 'leaky-server') });
    await waitFor(() => {
      const r = new LinuxCollector(server.pid!).collectSync();
      return r.kind === 'ok' && r.snapshot.sockets.length > 0;
    });
    const ws = await cli(['--workspace', join(GO_DIR, 'leaky-server'), '--samples', '1', '--json']);
    assert.equal(ws.code, 0, ws.err);
    const o = JSON.parse(ws.out);
    const mine = (Array.isArray(o) ? o : [o]).find((x: { pid: number }) => x.pid === server.pid);
    assert.ok(mine, ws.out);
    assert.equal(mine.process.kind, 'built-binary');

    assert.equal((await cli(['--pid', 'abc'])).code, 2);
    assert.equal((await cli(['--pid', '1', '--workspace', '.'])).code, 2);
    const pid = server.pid!;
    await stopAll();
    const gone = await cli(['--pid', String(pid), '--samples', '1']);
    assert.equal(gone.code, 2);
    assert.match(gone.out, /process exited/);
  });
});
