// `conndoctor lsp` through the protocol, as an editor drives it: the bundled server (dist/cli.js)
// in a child process and a scripted client (test/helpers/lspClient.ts). Diagnostics must equal
// what the CLI reports for the same text.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompletionItemKind, InsertTextFormat } from 'vscode-languageserver-protocol';
import type { CodeAction, CompletionItem, Diagnostic, Hover, TextEdit } from 'vscode-languageserver-protocol';
import { CLI, LspClient, uriOf } from '../helpers/lspClient';

const BUGGY = `package app

import (
	"io"
	"net"
	"net/http"
)

func fetch(c *http.Client, url string) ([]byte, error) {
	resp, err := c.Get(url)
	defer resp.Body.Close()
	if err != nil {
		return nil, err
	}
	return io.ReadAll(resp.Body)
}

func both(c *http.Client, url, addr string) error {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	resp, err := c.Get(url)
	if err != nil {
		return err
	}
	_, err = io.Copy(conn, resp.Body)
	return err
}
`;

interface CliFinding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  rule: string;
  message: string;
  severity: string;
}

function cli(args: string[], cwd: string): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, out: r.stdout };
}
const cliFindings = (cwd: string, rel: string) => JSON.parse(cli(['--format', 'json', rel], cwd).out) as CliFinding[];
const keyOfCli = (f: CliFinding) => `${f.rule}@${f.line}:${f.column}-${f.endLine}:${f.endColumn} ${f.message}`;
const keyOfDiag = (d: Diagnostic) =>
  `${String(d.code)}@${d.range.start.line + 1}:${d.range.start.character + 1}-${d.range.end.line + 1}:${d.range.end.character + 1} ${d.message}`;

function applyTextEdits(text: string, edits: TextEdit[]): string {
  const lines = text.split('\n');
  const off = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  const sorted = [...edits].sort((a, b) => off(b.range.start) - off(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, off(e.range.start)) + e.newText + out.slice(off(e.range.end));
  return out;
}

async function until<T>(fn: () => Promise<T | undefined> | T | undefined, what: string, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('language server (conndoctor lsp)', function () {
  this.timeout(120_000);
  let dir: string;
  let client: LspClient | undefined;

  before(function () {
    if (!existsSync(CLI)) throw new Error('dist/cli.js missing: npm test builds it first (npm run build)');
    dir = mkdtempSync(join(tmpdir(), 'cd-lsp-'));
    writeFileSync(join(dir, 'go.mod'), 'module example.com/app\n\ngo 1.22\n');
    mkdirSync(join(dir, 'app'));
    writeFileSync(join(dir, 'app', 'main.go'), BUGGY);
  });
  afterEach(async () => {
    if (client) await client.stop().catch(() => client?.kill());
    client = undefined;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('initializes with pull diagnostics, workspace diagnostics, code actions, hovers and commands', async () => {
    client = await LspClient.start({ root: dir });
    const caps = client.init!.capabilities;
    assert.deepEqual(caps.diagnosticProvider, { identifier: 'conndoctor', interFileDependencies: true, workspaceDiagnostics: true });
    assert.deepEqual((caps.codeActionProvider as { codeActionKinds: string[] }).codeActionKinds, ['quickfix', 'source.fixAll.conndoctor']);
    assert.equal(caps.hoverProvider, true);
    assert.deepEqual(caps.executeCommandProvider?.commands, ['conndoctor.disableRule', 'conndoctor.openRuleDoc', 'conndoctor.applyFixAll']);
    assert.equal(client.init!.serverInfo?.name, 'conndoctor');
    assert.equal(await client.stop(), 0, 'exit after shutdown is a clean exit');
  });

  it('pull: reports what the CLI reports, follows incremental edits, clears nothing it should keep', async () => {
    client = await LspClient.start({ root: dir });
    const path = join(dir, 'app', 'main.go');
    const uri = client.open(path, BUGGY);
    const want = cliFindings(dir, 'app/main.go').map(keyOfCli).sort();
    assert.ok(want.length >= 3, `CLI reports the planted bugs: ${want}`);
    const got = await client.diagnostics(uri);
    assert.deepEqual(got.map(keyOfDiag).sort(), want);
    for (const d of got) {
      assert.equal(d.source, 'conndoctor');
      assert.match(d.codeDescription!.href, new RegExp(`^file://.*/docs/rules/${String(d.code)}\\.md$`), 'offline docs link');
      assert.ok(existsSync(new URL(d.codeDescription!.href)), 'the linked page exists');
    }
    // Move the defer below the error check with an incremental edit: delete line 11, insert after the check.
    client.change(uri, 2, [
      { range: { start: { line: 10, character: 0 }, end: { line: 11, character: 0 } }, text: '' },
      { range: { start: { line: 13, character: 0 }, end: { line: 13, character: 0 } }, text: '\tdefer resp.Body.Close()\n' },
    ]);
    const fixed = BUGGY.replace('\tdefer resp.Body.Close()\n', '').replace(
      'return nil, err\n\t}\n',
      'return nil, err\n\t}\n\tdefer resp.Body.Close()\n',
    );
    writeFileSync(join(dir, 'app', 'expect.go.txt'), fixed);
    mkdirSync(join(dir, 'expect'), { recursive: true });
    writeFileSync(join(dir, 'expect', 'main.go'), fixed);
    const after = await client.diagnostics(uri);
    assert.deepEqual(after.map(keyOfDiag).sort(), cliFindings(dir, 'expect/main.go').map(keyOfCli).sort());
    assert.ok(!after.some((d) => d.code === 'defer-before-errcheck'));
    const st = await client.status();
    assert.ok((st.timings.incrementalParses as number) >= 1, `incremental re-parse: ${JSON.stringify(st.timings)}`);
  });

  it('code actions: each fix (preferred marked), ignore, disable, learn more; fix-all resolves to what `conndoctor --fix` writes', async () => {
    client = await LspClient.start({ root: dir });
    const path = join(dir, 'app', 'main.go');
    const uri = client.open(path, BUGGY);
    const ds = await client.diagnostics(uri);
    const d = ds.find((x) => x.code === 'defer-before-errcheck')!;
    const actions = await client.conn.sendRequest<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: d.range,
      context: { diagnostics: [d] },
    });
    const titles = actions.map((a) => a.title);
    const fix = actions.find((a) => a.isPreferred);
    assert.ok(fix, titles.join(' | '));
    assert.equal(fix.kind, 'quickfix');
    assert.equal(fix.title, 'Move defer resp.Body.Close() after the error check');
    assert.ok(titles.includes('Ignore defer-before-errcheck on this line'), titles.join(' | '));
    assert.ok(titles.includes('Disable defer-before-errcheck in this workspace'), titles.join(' | '));
    const learn = actions.find((a) => a.title === 'Learn more about defer-before-errcheck');
    assert.deepEqual(learn?.command?.arguments, ['defer-before-errcheck']);
    const fixed = applyTextEdits(BUGGY, fix.edit!.changes![uri]);
    assert.match(fixed, /if err != nil \{\n\t\treturn nil, err\n\t\}\n\tdefer resp\.Body\.Close\(\)\n/);
    const ignore = actions.find((a) => a.title.startsWith('Ignore'))!;
    assert.match(applyTextEdits(BUGGY, ignore.edit!.changes![uri]), /\n\t\/\/conndoctor:ignore defer-before-errcheck reason\n\tdefer resp/);

    // source.fixAll.conndoctor, resolved lazily, equals the CLI's --fix.
    const all = await client.conn.sendRequest<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll'] },
    });
    assert.deepEqual(
      all.map((a) => a.kind),
      ['source.fixAll.conndoctor'],
    );
    assert.equal(all[0].edit, undefined, 'computed on resolve');
    const resolved = await client.conn.sendRequest<CodeAction>('codeAction/resolve', all[0]);
    mkdirSync(join(dir, 'fixcli'), { recursive: true });
    writeFileSync(join(dir, 'fixcli', 'main.go'), BUGGY);
    cli(['--fix', 'fixcli/main.go'], dir);
    assert.equal(applyTextEdits(BUGGY, resolved.edit!.changes![uri]), readFileSync(join(dir, 'fixcli', 'main.go'), 'utf8'));

    // Learn more: the server asks the client to show the bundled page.
    await client.conn.sendRequest('workspace/executeCommand', { command: 'conndoctor.openRuleDoc', arguments: ['defer-before-errcheck'] });
    assert.match(client.shown[0]?.uri ?? '', /^file:\/\/.*\/docs\/rules\/defer-before-errcheck\.md$/);
    // Disable for the workspace (a client that cannot write settings: for this session).
    await client.conn.sendRequest('workspace/executeCommand', { command: 'conndoctor.disableRule', arguments: ['defer-before-errcheck'] });
    await until(async () => !(await client!.diagnostics(uri)).some((x) => x.code === 'defer-before-errcheck'), 'the rule off');
  });

  it('hovers: a compact card on lifecycle APIs, the rule (not the message again) over a finding; conndoctor.hover', async () => {
    client = await LspClient.start({ root: dir });
    const uri = client.open(join(dir, 'app', 'main.go'), BUGGY);
    const ds = await client.diagnostics(uri);
    const hover = (line: number, character: number) =>
      client!.conn.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line, character } });
    const value = (h: Hover | null) => (h ? (h.contents as { value: string }).value : '');
    // `net.Dial` on line 19.
    const dial = await hover(18, 18);
    assert.match(value(dial), /^\*\*.+\*\*\n\n\*\*Do this:\*\* .+\n\n\*\*Go version:\*\* .+\[.+\]\(https:\/\/pkg\.go\.dev\//, value(dial));
    assert.doesNotMatch(value(dial), /```/, 'compact: no code');
    assert.ok(dial?.range, 'the card says which identifier it is about');
    const d = ds.find((x) => x.code === 'defer-before-errcheck')!;
    const over = value(await hover(d.range.start.line, d.range.start.character + 2));
    assert.match(over, /Close deferred before the error check/);
    assert.match(over, /\(file:\/\/[^)]*\/docs\/rules\/defer-before-errcheck\.md\)/, 'Learn more leads to the bundled page');
    assert.ok(!over.includes(d.message as string), 'does not repeat the message');
    await client.setSettings({ hover: 'full' });
    await until(async () => /```go[\s\S]*Docs:/.test(value(await hover(18, 18))), 'the full card, with its code');
    await client.setSettings({ hover: 'off' });
    await until(async () => (await hover(18, 18)) === null, 'no hover');
  });

  it('snippets: completion items that add their imports to the existing block (gofmt order), not in comments or strings', async () => {
    client = await LspClient.start({ root: dir });
    const text =
      'package app\n\nimport (\n\t"fmt"\n\t"io"\n\n\t"example.com/app/x"\n)\n\nvar _ = fmt.Sprint\nvar _ = io.EOF\nvar _ = x.Y\n\nhttpclient\n\n// httpclient\nvar s = "httpclient"\n';
    const uri = client.open(join(dir, 'app', 'snip.go'), text);
    const complete = (line: number, character: number) =>
      client!.conn.sendRequest<CompletionItem[] | null>('textDocument/completion', {
        textDocument: { uri },
        position: { line, character },
      });
    const items = (await complete(13, 10)) ?? [];
    const item = items.find((i) => i.label === 'httpclient');
    assert.ok(item, `httpclient offered (got ${items.map((i) => i.label).join(', ')})`);
    assert.equal(item.kind, CompletionItemKind.Snippet);
    assert.equal(item.insertTextFormat, InsertTextFormat.Snippet);
    assert.match(item.insertText ?? '', /^var \$\{1:httpClient\} = &http\.Client\{Timeout:/);
    assert.ok(items.some((i) => i.label === 'cdhttpclient') && items.some((i) => i.label === 'tcpserver'), 'every snippet, by each prefix');
    // The imports it needs go into the standard-library group, sorted; fmt and io are not added twice.
    assert.equal(
      applyTextEdits(text, item.additionalTextEdits ?? []).split('\n\nvar _')[0],
      'package app\n\nimport (\n\t"context"\n\t"fmt"\n\t"io"\n\t"net/http"\n\t"time"\n\n\t"example.com/app/x"\n)',
    );
    const syscall = items.find((i) => i.label === 'syscallconn');
    assert.equal(
      applyTextEdits(text, syscall?.additionalTextEdits ?? [])
        .split('\n)')[0]
        .split('\n').length,
      8,
      'syscall added',
    );
    assert.equal(await complete(15, 13), null, 'not in a comment');
    assert.equal(await complete(16, 17), null, 'not in a string');
  });

  it('speaks the client language: messages, related locations and action titles in Simplified Chinese', async () => {
    const src = `package app

import (
	"net"
	"syscall"
)

func tos(c *net.TCPConn) error {
	f, err := c.File()
	if err != nil {
		return err
	}
	defer f.Close()
	return syscall.SetsockoptInt(int(f.Fd()), syscall.IPPROTO_IP, syscall.IP_TOS, 1)
}
`;
    client = await LspClient.start({ root: dir, locale: 'zh-cn' });
    const uri = client.open(join(dir, 'app', 'file.go'), src);
    const d = (await client.diagnostics(uri)).find((x) => x.code === 'tcpconn-file');
    assert.ok(d, 'tcpconn-file reported');
    assert.equal(d.message, 'f.Fd() 让 c 的套接字变为阻塞模式：c 的截止时间失效');
    assert.deepEqual(
      d.relatedInformation?.map((r) => [r.location.uri, r.location.range.start.line, r.message]),
      [[uri, 13, 'Fd() 在此把共享的套接字变为阻塞模式：c 上阻塞的 Read, Write or Close 可能永远挂起']],
    );
    const actions = await client.conn.sendRequest<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: d.range,
      context: { diagnostics: [d] },
    });
    assert.ok(
      actions.some((a) => a.title === '在此行忽略 tcpconn-file'),
      actions.map((a) => a.title).join(' | '),
    );
  });

  it('follows settings: rule severity, rule off, enable, exclude', async () => {
    client = await LspClient.start({ root: dir });
    const uri = client.open(join(dir, 'app', 'main.go'), BUGGY);
    const n = (await client.diagnostics(uri)).length;
    await client.setSettings({ rules: { 'defer-before-errcheck': 'error' } });
    await until(async () => (await client!.diagnostics(uri)).find((d) => d.code === 'defer-before-errcheck' && d.severity === 1), 'error');
    await client.setSettings({ rules: { 'defer-before-errcheck': 'off' } });
    await until(async () => (await client!.diagnostics(uri)).length === n - 1, 'rule off');
    await client.setSettings({ exclude: ['app/**'] });
    await until(async () => (await client!.diagnostics(uri)).length === 0, 'excluded');
    await client.setSettings({ enable: false });
    await until(async () => (await client!.diagnostics(uri)).length === 0, 'disabled');
    await client.setSettings({});
    await until(async () => (await client!.diagnostics(uri)).length === n, 'defaults');
    assert.ok(client.refreshes >= 1, 'settings changes ask the client to pull again');
  });

  it('push: a client without pull diagnostics gets publishDiagnostics on open and change', async () => {
    client = await LspClient.start({ root: dir, pull: false });
    assert.equal(client.init!.capabilities.diagnosticProvider, undefined);
    const uri = client.open(join(dir, 'app', 'main.go'), BUGGY);
    const first = await client.nextPublished(uri, (d) => d.length > 0);
    assert.deepEqual(first.map(keyOfDiag).sort(), cliFindings(dir, 'app/main.go').map(keyOfCli).sort());
    client.change(uri, 2, [{ text: 'package app\n' }]);
    await client.nextPublished(uri, (d) => d.length === 0);
  });

  it('settings without workspace/configuration: initializationOptions, then didChangeConfiguration (Helix, Zed style)', async () => {
    client = await LspClient.start({
      root: dir,
      pull: false,
      noConfiguration: true,
      initializationOptions: { conndoctor: { rules: { 'conn-not-closed': 'off' } } },
    });
    const uri = client.open(join(dir, 'app', 'main.go'), BUGGY);
    const all = cliFindings(dir, 'app/main.go');
    const first = await client.nextPublished(uri, (d) => d.length > 0);
    assert.deepEqual(
      first.map(keyOfDiag).sort(),
      all
        .filter((f) => f.rule !== 'conn-not-closed')
        .map(keyOfCli)
        .sort(),
    );
    await client.conn.sendNotification('workspace/didChangeConfiguration', { settings: { conndoctor: { rules: {} } } });
    const back = await client.nextPublished(uri, (d) => d.length === all.length);
    assert.deepEqual(back.map(keyOfDiag).sort(), all.map(keyOfCli).sort());
  });

  it('a newer edit cancels a stale run; the answer is for the last version', async () => {
    const big = join(dir, 'big');
    mkdirSync(big, { recursive: true });
    // ~4,000 lines of functions with findings: a run takes long enough to be overtaken.
    const body = Array.from({ length: 300 }, (_, i) =>
      BUGGY.split('\n')
        .slice(8)
        .join('\n')
        .replace(/func (\w+)\(/g, `func $1${i}(`),
    ).join('\n');
    const text = `${BUGGY.split('\n').slice(0, 8).join('\n')}\n${body}`;
    writeFileSync(join(big, 'big.go'), text);
    client = await LspClient.start({ root: dir });
    const uri = client.open(join(big, 'big.go'), text);
    const n0 = (await client.diagnostics(uri)).length;
    assert.ok(n0 >= 900, `${n0} findings`);
    // Five edits in a row, each pulled (as VS Code does) without waiting: the client cancels the older pulls.
    const pulls: Promise<unknown>[] = [];
    for (let v = 2; v <= 6; v++) {
      client.change(uri, v, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: `// edit ${v}\n` }]);
      const cts = client.cancellable();
      pulls.push(client.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri } }, cts.token).catch((e: Error) => e));
      if (v < 6) setTimeout(() => cts.cancel(), 5);
    }
    const results = await Promise.all(pulls);
    const last = results[results.length - 1] as { items: Diagnostic[] };
    assert.equal(last.items.length, n0);
    assert.equal(last.items[0].range.start.line, (await client.diagnostics(uri))[0].range.start.line);
    assert.ok(
      last.items.every((d) => d.range.start.line >= 5 + 8),
      'positions of the last version (five lines inserted)',
    );
    const st = await client.status();
    assert.ok(st.timings.cancelled >= 1, `stale runs cancelled: ${JSON.stringify(st.timings)}`);
    rmSync(big, { recursive: true, force: true });
  });

  it('survives broken Go, a binary file and a 2 MB file', async () => {
    client = await LspClient.start({ root: dir });
    const broken = client.open(
      join(dir, 'app', 'broken.go'),
      'package app\n\nfunc f( {\n\tresp, err := http.Get(\n\tdefer resp.Body.Close()\n}}}\n`unterminated\n',
    );
    assert.ok(Array.isArray(await client.diagnostics(broken)));
    const bin = client.open(join(dir, 'app', 'bin.go'), 'package app\n\u0000\u0001garbage\n');
    assert.deepEqual(await client.diagnostics(bin), []);
    const huge = client.open(join(dir, 'app', 'huge.go'), `package app\n\n// ${'x'.repeat(3 * 1024 * 1024)}\n`);
    assert.deepEqual(await client.diagnostics(huge), []);
    assert.ok(
      client.logs.some((l) => /over the 2 MB limit/.test(l)),
      'the skip is logged',
    );
    // ~2 MB of Go just under the limit (a generated table and one leak) is analyzed.
    let src =
      'package app\n\nimport "net"\n\nfunc leak(addr string) {\n\tc, _ := net.Dial("tcp", addr)\n\t_ = c\n}\n\nvar table = []struct {\n\tk string\n\tv int\n}{\n';
    for (let i = 0; src.length < 1.95 * 1024 * 1024; i++) src += `\t{"key-${i}", ${i}},\n`;
    src += '}\n';
    const two = client.open(join(dir, 'app', 'two.go'), src);
    const t0 = Date.now();
    const d2 = await client.diagnostics(two);
    assert.deepEqual(d2.map((d) => `${String(d.code)}@${d.range.start.line + 1}`).sort(), ['conn-not-closed@6', 'dial-no-timeout@6']);
    console.log(`      2 MB file analyzed in ${Date.now() - t0} ms`);
    // Still answering.
    const ok = client.open(join(dir, 'app', 'main.go'), BUGGY);
    assert.ok((await client.diagnostics(ok)).length >= 3);
    assert.equal((await client.status()).timings.workerRestarts, 0);
  });

  it('workspace: Scan Workspace answers through workspace/diagnostic; conndoctor/findings filters by rule', async () => {
    client = await LspClient.start({ root: dir });
    const scanned = client.conn.sendRequest<{ items: { uri: string; items: Diagnostic[] }[] }>('workspace/diagnostic', {
      previousResultIds: [],
    });
    const summary = await client.conn.sendRequest<{ files: number; findings: number; perFile: Record<string, number> }>(
      'conndoctor/scanWorkspace',
      {},
    );
    const report = await scanned;
    const want = JSON.parse(cli(['--format', 'json', './...'], dir).out) as CliFinding[];
    assert.equal(summary.findings, want.length);
    const got = report.items.flatMap((r) => r.items.map((d) => `${r.uri} ${keyOfDiag(d)}`)).sort();
    assert.deepEqual(got, want.map((f) => `${uriOf(join(dir, f.file))} ${keyOfCli(f)}`).sort());
    const only = await client.conn.sendRequest<{ findings: { rule: string; uri: string }[]; analyzedFiles: number; errors: string[] }>(
      'conndoctor/findings',
      { rules: ['conn-not-closed'] },
    );
    assert.deepEqual([...new Set(only.findings.map((f) => f.rule))], ['conn-not-closed']);
    assert.equal(only.findings.length, want.filter((f) => f.rule === 'conn-not-closed').length);
    assert.ok(only.analyzedFiles >= 1);
    // a folder (the socket view's program module) stands for its Go files as ./... lists them
    const appUri = uriOf(join(dir, 'app'));
    const inApp = await client.conn.sendRequest<{ findings: { rule: string; uri: string }[]; analyzedFiles: number; errors: string[] }>(
      'conndoctor/findings',
      { rules: ['conn-not-closed'], uris: [appUri] },
    );
    const wantApp = only.findings.filter((f) => f.uri.startsWith(`${appUri}/`));
    assert.ok(wantApp.length >= 1 && wantApp.length < only.findings.length, 'the fixture has findings in and out of app/');
    assert.deepEqual(inApp.findings, wantApp);
    assert.ok(inApp.analyzedFiles >= 1 && inApp.analyzedFiles < only.analyzedFiles, `${inApp.analyzedFiles} of ${only.analyzedFiles}`);
  });

  it('exits when the client goes away without shutdown (stdin closed)', async () => {
    const c = await LspClient.start({ root: dir });
    c.open(join(dir, 'app', 'main.go'), BUGGY);
    await c.diagnostics(uriOf(join(dir, 'app', 'main.go')));
    c.proc.stdin!.end();
    const code = await Promise.race([c.exitCode, new Promise<'alive'>((r) => setTimeout(() => r('alive'), 10_000))]);
    if (code === 'alive') c.kill();
    assert.notEqual(code, 'alive', 'the server is still running 10 s after its client left');
  });
});
