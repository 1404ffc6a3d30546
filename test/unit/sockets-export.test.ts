// Exports of a socket snapshot: CSV read back by an independent RFC 4180 reader (Python's csv module), the
// Markdown table's escaping, the JSON shape; and the main-package finder behind "run go run .".
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mainPackageDirs } from '../../src/sockets/discover';
import { csvField, mdCell, snapshotCsv, snapshotJson, snapshotMarkdown, toCsv } from '../../src/sockets/export';
import type { SocketInfo, TcpState } from '../../src/sockets/model';
import { applyResult, newHistory } from '../../src/sockets/sampler';

let port = 41000;
function sock(state: TcpState, over: Partial<SocketInfo> = {}): SocketInfo {
  const p = port++;
  return {
    key: `127.0.0.1:8080->127.0.0.1:${p}`,
    family: 4,
    state,
    localAddress: '127.0.0.1',
    localPort: 8080,
    remoteAddress: '127.0.0.1',
    remotePort: p,
    sendQ: 0,
    recvQ: 0,
    timer: 'keepalive',
    timerMs: 14000,
    retransmits: 0,
    inode: p,
    fd: p - 40990,
    attribution: 'fd',
    ...over,
  };
}

/** Python's csv reader (RFC 4180 dialect "excel"): rows as JSON. */
function pythonCsv(text: string): string[][] | undefined {
  const r = spawnSync('python3', ['-c', 'import csv,sys,json; print(json.dumps(list(csv.reader(sys.stdin, strict=True))))'], {
    input: text,
    encoding: 'utf8',
  });
  if (r.error || r.status !== 0) return undefined;
  return JSON.parse(r.stdout) as string[][];
}

describe('sockets: exports', () => {
  it('CSV fields are quoted exactly when RFC 4180 needs it, and read back unchanged by an independent reader', function () {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField(42), '42');
    assert.equal(csvField(undefined), '');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('two\nlines'), '"two\nlines"');
    assert.equal(csvField('cr\r'), '"cr\r"');
    assert.equal(csvField('=cmd'), '=cmd');
    const rows = [
      ['a,b', 'say "hi"', 'two\r\nlines'],
      ['[::1]:80', '', '=1+1'],
      ['日本語', ' lead', 'trail '],
    ];
    const text = toCsv(['x', 'y', 'z'], rows);
    assert.ok(text.endsWith('\r\n'));
    assert.equal(text.split('\r\n')[0], 'x,y,z');
    const back = pythonCsv(text);
    if (!back) this.skip();
    assert.deepEqual(back, [['x', 'y', 'z'], ...rows]);
  });

  it('a snapshot as CSV: one row per socket with "seen for" from our first sample', function () {
    const h = newHistory(1, 0);
    const l = sock('LISTEN', { key: '127.0.0.1:8080->0.0.0.0:0', remoteAddress: '0.0.0.0', remotePort: 0, timer: 'none', timerMs: 0 });
    const cw = sock('CLOSE_WAIT');
    const v6 = sock('ESTABLISHED', {
      key: '[::1]:9->[::1]:5',
      localAddress: '::1',
      localPort: 9,
      remoteAddress: '::1',
      remotePort: 5,
      family: 6,
    });
    applyResult(h, { kind: 'ok', snapshot: { pid: 1, time: 1000, platform: 'linux', sockets: [l, cw, v6], elapsedMs: 1 } });
    applyResult(h, { kind: 'ok', snapshot: { pid: 1, time: 3500, platform: 'linux', sockets: [l, cw, v6], elapsedMs: 1 } });
    const csv = snapshotCsv(h);
    const back = pythonCsv(csv);
    if (!back) this.skip();
    assert.deepEqual(back[0].slice(0, 4), ['state', 'local', 'remote', 'recv_q']);
    assert.equal(back.length, 4);
    const byState = new Map(back.slice(1).map((r) => [r[0], r]));
    assert.equal(byState.get('LISTEN')![2], '*');
    assert.equal(byState.get('ESTABLISHED')![1], '[::1]:9');
    const seen = back[0].indexOf('seen_for_s');
    assert.equal(byState.get('CLOSE_WAIT')![seen], '2.5');
  });

  it('Markdown: pipes escaped, CLOSE_WAIT rows first, symptoms listed; JSON carries counts, guidance and sockets', () => {
    const h = newHistory(7, 0);
    const socks = [sock('ESTABLISHED'), sock('CLOSE_WAIT'), sock('CLOSE_WAIT')];
    applyResult(h, {
      kind: 'ok',
      snapshot: { pid: 7, time: 1000, platform: 'linux', sockets: socks, elapsedMs: 1, fds: { open: 9, softLimit: 1024 } },
    });
    const md = snapshotMarkdown(h, 'srv | prod');
    assert.match(md, /^\*\*srv \\\| prod\*\* — pid 7/);
    assert.match(md, /ESTABLISHED 1 · CLOSE_WAIT 2 · fds 9 \/ 1024/);
    assert.match(md, /- \*\*Sockets stuck in CLOSE_WAIT\*\* \(warning\)/);
    const table = md.split('\n').filter((x) => x.startsWith('| '));
    assert.equal(table[0], '| State | Local | Remote | Recv-Q | Send-Q | Seen for (s) | fd |');
    assert.match(table[2], /^\| CLOSE_WAIT \|/);
    assert.match(table[4], /^\| ESTABLISHED \|/);
    assert.equal(mdCell('a|b\nc\\'), 'a\\|b c\\\\');
    const js = snapshotJson(h, { name: 'srv' });
    assert.deepEqual(js.counts, { ESTABLISHED: 1, CLOSE_WAIT: 2 });
    assert.equal(js.sockets.length, 3);
    assert.equal(js.guidance[0].id, 'close-wait');
    assert.equal(js.process?.name, 'srv');
  });
});

describe('sockets: main packages for "go run ."', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'conndoctor-mains-'));
    const w = (rel: string, text: string) => {
      mkdirSync(join(root, rel, '..'), { recursive: true });
      writeFileSync(join(root, rel), text);
    };
    w('go.mod', 'module example.com/x\n\ngo 1.22\n');
    w('lib/lib.go', 'package lib\n\nfunc F() {}\n');
    w('cmd/srv/main.go', 'package main\n\nfunc main() {}\n');
    w('cmd/tool/tool.go', '// Command tool.\npackage main\n\nimport "fmt"\n\nfunc main() { fmt.Println() }\n');
    w('cmd/nomain/x.go', 'package main\n\nfunc helper() {}\n');
    w('vendor/v/main.go', 'package main\n\nfunc main() {}\n');
    w('testdata/t/main.go', 'package main\n\nfunc main() {}\n');
    w('_skip/main.go', 'package main\n\nfunc main() {}\n');
    w('x_test/main_test.go', 'package main\n\nfunc main() {}\n');
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('finds folders with package main and func main, skipping what ./... skips', () => {
    assert.deepEqual(
      mainPackageDirs(root).map((d) => d.slice(root.length + 1)),
      ['cmd/srv', 'cmd/tool'],
    );
    writeFileSync(join(root, 'main.go'), 'package main\n\nfunc main() {}\n');
    assert.equal(mainPackageDirs(root)[0], root, 'the workspace folder itself comes first');
  });
});
