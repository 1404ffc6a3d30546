// Knowledge cards: every card resolves from real parsed Go, every code block is real Go (gofmt,
// go vet, at the Go version the card claims), both languages are complete, and the facts that
// popular articles get wrong are stated the way the Go sources and the running toolchain say.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureReady } from '../../src/analysis/engine';
import { parseGo } from '../../src/analysis/parser';
import { FileFacts, PackageFacts } from '../../src/analysis/facts/package';
import { CARDS, CARDS_BY_ID } from '../../src/knowledge/cards';
import { cardAt, cardFor, lookupAt } from '../../src/knowledge/lookup';
import { localeOf, renderMarkdown, renderRuleMarkdown } from '../../src/knowledge/render';
import type { Card } from '../../src/knowledge/model';
import { checkGo, goFile, haveGo } from './helpers/gocheck';
import { loadGoApi, requiredGo, versionAtLeast } from './helpers/goapi';

const CJK = /[\u4e00-\u9fff]/;

function factsOf(text: string, path = '/tmp/x/main.go'): FileFacts {
  const f = new FileFacts(path, text, parseGo(text));
  new PackageFacts([f]);
  return f;
}

/** Offset of `sub` inside the only occurrence of `needle` in `text`. */
function at(text: string, needle: string, sub = needle): number {
  const i = text.indexOf(needle);
  assert.ok(i >= 0, `needle not found: ${needle}`);
  assert.equal(text.indexOf(needle, i + 1), -1, `needle not unique: ${needle}`);
  const j = needle.indexOf(sub);
  assert.ok(j >= 0, `${sub} not in ${needle}`);
  return i + j;
}

const SRC = `package main

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"time"
)

func client(ctx context.Context, addr string) error {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(time.Second))
	conn.SetReadDeadline(time.Now().Add(time.Second))
	conn.SetWriteDeadline(time.Now().Add(time.Second))
	c2, _ := net.DialTimeout("tcp", addr, time.Second)
	tc := c2.(*net.TCPConn)
	tc.CloseWrite()
	tc.CloseRead()
	tc.SetKeepAlive(true)
	tc.SetKeepAlivePeriod(time.Minute)
	tc.SetKeepAliveConfig(net.KeepAliveConfig{Enable: true})
	f, _ := tc.File()
	f.Close()
	f.SetReadDeadline(time.Now())
	rc, _ := tc.SyscallConn()
	_ = rc
	d := net.Dialer{Timeout: time.Second, KeepAlive: -1}
	d.DialContext(ctx, "tcp", addr)
	td := &tls.Dialer{NetDialer: &d}
	td.DialContext(ctx, "tcp", addr)
	tls.Dial("tcp", addr, nil)
	var lc net.ListenConfig
	ln, _ := lc.Listen(ctx, "tcp", addr)
	ln.Accept()
	ln.Close()
	ln2, _ := net.Listen("tcp", addr)
	tls.NewListener(ln2, nil)
	resp, err := http.Get("http://example.com")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	io.ReadAll(resp.Body)
	hc := &http.Client{Timeout: time.Second}
	hc.Timeout = 2 * time.Second
	http.DefaultClient.Get("http://example.com")
	hc.Get("http://example.com")
	srv := &http.Server{ReadHeaderTimeout: time.Second}
	srv.Shutdown(ctx)
	srv.Close()
	srv.ListenAndServe()
	http.ListenAndServe(addr, nil)
	// conn.Close() in a comment is not code
	return nil
}

func handler(w http.ResponseWriter, r *http.Request) {
	r.Body.Close()
}

type rw interface{ SetReadDeadline(time.Time) error }

func unknown(x rw, y any) {
	x.SetReadDeadline(time.Now())
	y.(interface{ Close() error }).Close()
}

func shadow() {
	net := struct{ Dial func() }{}
	net.Dial()
}
`;

/** [needle, identifier inside it, expected card id or null]. */
const CASES: [string, string, string | null][] = [
  ['net.Dial("tcp"', 'Dial', 'net.Dial'],
  ['defer conn.Close()', 'Close', 'conn.Close'],
  ['conn.SetDeadline(', 'SetDeadline', 'conn.SetDeadline'],
  ['conn.SetReadDeadline(', 'SetReadDeadline', 'conn.SetReadDeadline'],
  ['conn.SetWriteDeadline(', 'SetWriteDeadline', 'conn.SetWriteDeadline'],
  ['net.DialTimeout(', 'DialTimeout', 'net.DialTimeout'],
  ['tc.CloseWrite()', 'CloseWrite', 'conn.CloseWrite'],
  ['tc.CloseRead()', 'CloseRead', 'conn.CloseRead'],
  ['tc.SetKeepAlive(true)', 'SetKeepAlive', 'conn.SetKeepAlive'],
  ['tc.SetKeepAlivePeriod(', 'SetKeepAlivePeriod', 'conn.SetKeepAlive'],
  ['tc.SetKeepAliveConfig(', 'SetKeepAliveConfig', 'conn.SetKeepAliveConfig'],
  ['(net.KeepAliveConfig{', 'KeepAliveConfig', 'net.KeepAliveConfig'],
  ['{Enable: true}', 'Enable', 'net.KeepAliveConfig'],
  ['tc.File()', 'File', 'conn.File'],
  ['f.Close()', 'Close', null], // *os.File, not a conn
  ['f.SetReadDeadline(', 'SetReadDeadline', null], // *os.File
  ['tc.SyscallConn()', 'SyscallConn', 'conn.SyscallConn'],
  ['net.Dialer{Timeout', 'Dialer', 'net.Dialer'],
  ['KeepAlive: -1', 'KeepAlive', 'net.KeepAliveConfig'],
  ['\td.DialContext(', 'DialContext', 'net.Dialer'],
  ['&tls.Dialer{', 'Dialer', 'tls.Dial'],
  ['td.DialContext(', 'DialContext', 'tls.Dial'],
  ['tls.Dial("tcp"', 'Dial', 'tls.Dial'],
  ['var lc net.ListenConfig', 'ListenConfig', 'net.ListenConfig'],
  ['lc.Listen(', 'Listen', 'net.ListenConfig'],
  ['ln.Accept()', 'Accept', 'listener.Accept'],
  ['ln.Close()', 'Close', 'listener.Close'],
  ['net.Listen("tcp"', 'Listen', 'net.Listen'],
  ['tls.NewListener(', 'NewListener', 'tls.Listen'],
  ['http.Get("http', 'Get', 'http.Get'],
  ['defer resp.Body.Close()', 'Close', 'body.Close'],
  ['io.ReadAll(resp.Body)', 'Body', 'response.Body'],
  ['{Timeout: time.Second}', 'Timeout', 'client.Timeout'],
  ['&http.Client{', 'Client', 'client.Timeout'],
  ['hc.Timeout = ', 'Timeout', 'client.Timeout'],
  ['http.DefaultClient.Get(', 'Get', 'http.Get'],
  ['http.DefaultClient.Get(', 'DefaultClient', 'http.Get'],
  ['hc.Get(', 'Get', null], // a client of our own (with a timeout)
  ['{ReadHeaderTimeout:', 'ReadHeaderTimeout', 'http.ListenAndServe'],
  ['srv.Shutdown(', 'Shutdown', 'server.Shutdown'],
  ['srv.Close()', 'Close', 'server.Close'],
  ['srv.ListenAndServe()', 'ListenAndServe', 'http.ListenAndServe'],
  ['http.ListenAndServe(addr', 'ListenAndServe', 'http.ListenAndServe'],
  ['// conn.Close() in a comment', 'Close', null],
  ['r.Body.Close()', 'Close', null], // request body: the server closes it
  ['x.SetReadDeadline(', 'SetReadDeadline', null], // unknown receiver type
  ['Close() error }).Close()', 'Close()', null],
  ['net.Dial()', 'Dial', null], // local variable named net
  ['conn, err := net.Dial', 'net', null], // the package name itself
];

describe('knowledge cards', function () {
  before(async () => {
    await ensureReady();
  });

  describe('lookup: the API under the cursor, from real parsing', () => {
    let file: FileFacts;
    before(() => {
      file = factsOf(SRC);
    });
    for (const [needle, sub, want] of CASES) {
      it(`${needle.trim()} [${sub}] -> ${want ?? 'no card'}`, () => {
        const off = at(SRC, needle, sub);
        assert.equal(cardAt(file, off)?.id ?? null, want);
        // The last character of the identifier resolves the same way.
        const word = /^\w+/.exec(sub)![0];
        assert.equal(cardAt(file, off + word.length - 1)?.id ?? null, want);
      });
    }

    it('reports the identifier range for the hover', () => {
      const off = at(SRC, 'conn.SetReadDeadline(', 'SetReadDeadline');
      const hit = lookupAt(file, off + 3)!;
      assert.equal(SRC.slice(hit.start, hit.end), 'SetReadDeadline');
      // An offset just past the identifier (cursor at its end) still counts.
      assert.equal(lookupAt(file, off + 'SetReadDeadline'.length)?.card.id, 'conn.SetReadDeadline');
      assert.equal(cardAt(file, at(SRC, 'return nil\n}\n\nfunc handler')), null);
    });

    it('every card is reachable from code', () => {
      const reached = new Set(CASES.map((c) => c[2]).filter(Boolean));
      for (const c of CARDS) assert.ok(reached.has(c.id), `no lookup case reaches ${c.id}`);
    });

    it('follows aliases and dot imports, and params typed as conns', () => {
      const src = `package p

import (
	. "net"
	stdhttp "net/http"
	"time"
)

func f(c Conn, srv *stdhttp.Server) {
	Dial("tcp", "x")
	c.SetReadDeadline(time.Now())
	srv.Shutdown(nil)
	stdhttp.Get("x")
}
`;
      const f = factsOf(src);
      assert.equal(cardAt(f, at(src, 'Dial("tcp"', 'Dial')), CARDS_BY_ID.get('net.Dial'));
      assert.equal(cardAt(f, at(src, 'c.SetReadDeadline', 'SetReadDeadline'))?.id, 'conn.SetReadDeadline');
      assert.equal(cardAt(f, at(src, 'srv.Shutdown', 'Shutdown'))?.id, 'server.Shutdown');
      assert.equal(cardAt(f, at(src, 'stdhttp.Get', 'Get'))?.id, 'http.Get');
    });

    it('cardFor works from the analyzer facts alone', () => {
      assert.equal(cardFor({ qualified: 'net.Dial' })?.id, 'net.Dial');
      assert.equal(cardFor({ method: 'SetReadDeadline', recvKind: 'net.Conn' })?.id, 'conn.SetReadDeadline');
      assert.equal(cardFor({ method: 'SetReadDeadline', recvKind: '*crypto/tls.Conn' })?.id, 'conn.SetReadDeadline');
      assert.equal(cardFor({ method: 'Close', recvKind: '*net/http.Server' })?.id, 'server.Close');
      assert.equal(cardFor({ method: 'Close', recvKind: 'net.Listener' })?.id, 'listener.Close');
      assert.equal(cardFor({ method: 'Close', recvKind: '*os.File' }), null);
      assert.equal(cardFor({ method: 'Close', recvKind: 'io.ReadCloser' }), null, 'an arbitrary ReadCloser is not resp.Body');
      assert.equal(cardFor({ method: 'Close', recvKind: 'io.ReadCloser', bodyOf: '*net/http.Response' })?.id, 'body.Close');
      assert.equal(cardFor({ method: 'Close', recvKind: 'io.ReadCloser', bodyOf: '*net/http.Request' }), null);
      assert.equal(cardFor({ method: 'CloseWrite', recvKind: 'net.Conn' }), null, 'net.Conn has no CloseWrite');
      assert.equal(cardFor({ field: 'Timeout', recvKind: '*net/http.Client' })?.id, 'client.Timeout');
      assert.equal(cardFor({ field: 'Body', recvKind: '*net/http.Response' })?.id, 'response.Body');
      assert.equal(cardFor({ method: 'SetReadDeadline', recvKind: null }), null);
      assert.equal(cardFor({ method: 'Close', recvKind: '*net.UDPConn' }), null, 'UDP: the TCP-centric Close card does not apply');
      assert.equal(cardFor({ method: 'SetReadDeadline', recvKind: 'net.PacketConn' }), null);
    });
  });

  describe('content', () => {
    it('ids are unique and every card is complete in English and Simplified Chinese', () => {
      assert.equal(new Set(CARDS.map((c) => c.id)).size, CARDS.length);
      for (const c of CARDS) {
        assert.match(c.since, /^1\.\d+$/, c.id);
        assert.ok(c.apis.length > 0 && c.code.trim(), c.id);
        assert.ok(c.docs.length > 0 && c.docs[0].url.startsWith('https://pkg.go.dev/'), `${c.id}: first link must be pkg.go.dev`);
        for (const d of c.docs)
          assert.match(d.url, /^https:\/\/(pkg\.go\.dev\/[\w/]+(#[\w.]+)?|go\.dev\/(doc\/go1\.\d+|issue\/\d+))$/, `${c.id}: ${d.url}`);
        for (const key of ['title', 'pitfall', 'pattern', 'version'] as const) {
          assert.ok(c.en[key].trim(), `${c.id} en.${key}`);
          assert.ok(c.zh[key].trim(), `${c.id} zh.${key}`);
          assert.ok(!CJK.test(c.en[key]), `${c.id} en.${key} contains Chinese`);
          assert.ok(CJK.test(c.zh[key]), `${c.id} zh.${key} is not Chinese`);
        }
      }
    });

    it('the Chinese text names the same APIs and Go versions as the English', () => {
      const spans = (s: string) => new Set([...s.matchAll(/`([^`]+)`/g)].map((m) => m[1]));
      const versions = (s: string) => new Set([...s.matchAll(/Go (1\.\d+)/g)].map((m) => m[1]));
      const bad: string[] = [];
      const same = (a: Set<string>, b: Set<string>) => [...a].sort().join('\n') === [...b].sort().join('\n');
      for (const c of CARDS) {
        for (const key of ['title', 'pitfall', 'pattern', 'version'] as const) {
          if (!same(spans(c.zh[key]), spans(c.en[key])))
            bad.push(`${c.id} ${key}: code spans zh [${[...spans(c.zh[key])]}] en [${[...spans(c.en[key])]}]`);
          if (!same(versions(c.zh[key]), versions(c.en[key]))) bad.push(`${c.id} ${key}: Go versions differ`);
        }
      }
      assert.deepEqual(bad, []);
    });

    it('each card names the Go version its pattern depends on', () => {
      for (const c of CARDS) assert.ok(c.en.version.includes(`Go ${c.since}`), `${c.id}: version text does not mention Go ${c.since}`);
    });

    it('the claimed Go version covers every std symbol the pattern uses ($GOROOT/api)', function () {
      const api = loadGoApi();
      if (!api) this.skip();
      for (const c of CARDS) {
        const need = requiredGo(api!, c.code);
        assert.ok(versionAtLeast(c.since, need.version), `${c.id}: says Go ${c.since} but uses ${need.because} (Go ${need.version})`);
      }
    });

    it('renders hover markdown in both languages', () => {
      const c = CARDS_BY_ID.get('conn.SetReadDeadline')!;
      const en = renderMarkdown(c, 'en');
      const zh = renderMarkdown(c, 'zh-cn');
      assert.ok(en.includes(`**${c.en.title}**`) && en.includes('**Do this:**') && en.includes('**Go version:**'), en);
      assert.ok(zh.includes(`**${c.zh.title}**`) && zh.includes('**正确做法：**') && zh.includes('**Go 版本：**'), zh);
      for (const md of [en, zh]) {
        assert.ok(md.includes('```go\n' + c.code + '```'), 'code block fenced as go');
        assert.ok(md.includes('(https://pkg.go.dev/net#Conn)'));
        assert.equal((md.match(/```/g) ?? []).length, 2);
      }
      assert.equal(localeOf('zh-cn'), 'zh-cn');
      assert.equal(localeOf('zh-CN'), 'zh-cn');
      assert.equal(localeOf('en'), 'en');
      assert.equal(localeOf('zh-tw'), 'en', 'Traditional Chinese users get English rather than Simplified');
      const rule = renderRuleMarkdown(
        {
          id: 'read-no-deadline',
          title: 'T',
          severity: 'warning',
          category: 'deadline',
          description: 'D',
          zh: { title: '标题', description: '描述' },
          docs: 'read-no-deadline',
        },
        'zh-cn',
      );
      assert.ok(rule.includes('标题') && rule.includes('描述') && rule.includes('docs/rules/read-no-deadline.md'));
    });
  });

  describe('every code block is real Go', function () {
    this.timeout(180000);
    before(function () {
      if (!haveGo()) this.skip();
    });

    it('passes gofmt -l and go vet (Go 1.26 module)', () => {
      const files: Record<string, string> = {};
      for (const c of CARDS) files[c.id] = goFile(c.code);
      const r = checkGo(files);
      assert.deepEqual(r.gofmt, [], `not gofmt-clean: ${r.gofmt.join(', ')}`);
      assert.deepEqual([...r.vet], [], [...r.vet].map(([k, v]) => `${k}:\n${v}`).join('\n'));
    });

    it('compiles and vets with go.mod at the Go version the card claims', () => {
      const bySince = new Map<string, Card[]>();
      for (const c of CARDS) bySince.set(c.since, [...(bySince.get(c.since) ?? []), c]);
      for (const [since, cards] of bySince) {
        const files: Record<string, string> = {};
        for (const c of cards) files[c.id] = goFile(c.code);
        const r = checkGo(files, since);
        assert.deepEqual([...r.vet], [], `go ${since}: ${[...r.vet].map(([k, v]) => `${k}:\n${v}`).join('\n')}`);
      }
    });
  });

  describe('facts (no folklore)', () => {
    const card = (id: string) => CARDS_BY_ID.get(id)!;
    const all = (id: string) => {
      const c = card(id);
      return [c.en.title, c.en.pitfall, c.en.pattern, c.en.version].join('\n');
    };
    const allZh = (id: string) => {
      const c = card(id);
      return [c.zh.title, c.zh.pitfall, c.zh.pattern, c.zh.version].join('\n');
    };

    it('net.Listen sets SO_REUSEADDR on Unix, not on Windows, and never SO_REUSEPORT', () => {
      const t = all('net.Listen');
      assert.match(t, /on Unix `net\.Listen` sets `SO_REUSEADDR`/);
      assert.match(t, /does not set `SO_REUSEPORT`/);
      assert.match(t, /on Windows it deliberately does not set `SO_REUSEADDR`/);
      assert.match(t, /redundant/);
      assert.match(allZh('net.Listen'), /SO_REUSEADDR[\s\S]*多余/);
      for (const c of CARDS) assert.ok(!/SO_REUSEADDR/.test(c.code.replace(/\/\/.*$/gm, '')), `${c.id}: code sets SO_REUSEADDR`);
    });

    it('half-close exists: CloseWrite sends FIN, the peer reads EOF, Close is still needed', () => {
      const t = all('conn.CloseWrite');
      assert.match(t, /half-close/);
      assert.match(t, /FIN/);
      assert.match(t, /reads EOF/);
      assert.match(t, /works on Windows/);
      assert.match(t, /without a later `Close` leaks/);
      assert.match(t, /`\*tls\.Conn` it only sends the close_notify alert/);
      assert.match(allZh('conn.CloseWrite'), /半关闭/);
      const code = card('conn.CloseWrite').code;
      assert.ok(code.indexOf('defer conn.Close()') < code.indexOf('conn.CloseWrite()'), 'Close deferred before CloseWrite');
      assert.match(code, /io\.ReadAll\(conn\)/, 'reads to EOF after CloseWrite');
    });

    it('keep-alive is on by default: 15 s, dialed since Go 1.12, accepted since Go 1.13', () => {
      for (const id of ['conn.SetKeepAlive']) {
        const t = all(id);
        assert.match(t, /15 s/);
        assert.match(t, /dialed conns since Go 1\.12/);
        assert.match(t, /accepted conns since Go 1\.13/);
        assert.match(t, /not a read timeout/);
      }
      assert.match(all('net.Dial'), /keep-alive on by default \(15 s\) since Go 1\.12/);
      assert.match(all('net.Listen'), /keep-alive \(15 s\) by default since Go 1\.13/);
      assert.match(all('net.KeepAliveConfig'), /15 s\/15 s\/9/);
      for (const c of CARDS) {
        const t = [c.en.pitfall, c.en.pattern, c.en.version].join(' ');
        assert.ok(!/keep-?alive[^.]*(off|disabled|not enabled) by default/i.test(t), `${c.id} claims keep-alive is off by default`);
      }
    });

    it('os.ErrDeadlineExceeded since Go 1.15, net.ErrClosed since Go 1.16, wherever they are named', () => {
      for (const c of CARDS) {
        const text = [c.en.pitfall, c.en.pattern, c.en.version].join(' ');
        const uses = (s: string) => text.includes(s) || c.code.includes(s);
        if (uses('os.ErrDeadlineExceeded')) assert.match(c.en.version, /Go 1\.15/, c.id);
        if (uses('net.ErrClosed')) assert.match(c.en.version, /`net\.ErrClosed`[^.;]* since Go 1\.16|Go 1\.16/, c.id);
      }
      assert.match(all('conn.SetReadDeadline'), /`os\.ErrDeadlineExceeded` since Go 1\.15/);
      assert.match(all('listener.Accept'), /`net\.ErrClosed` since Go 1\.16/);
    });

    it('deadlines are absolute, set per read, and a past deadline wakes a blocked Read', () => {
      assert.match(all('conn.SetDeadline'), /absolute time/);
      assert.match(all('conn.SetReadDeadline'), /`time\.Unix\(1, 0\)`, wakes a blocked `Read` at once and leaves the conn usable/);
      const code = card('conn.SetReadDeadline').code;
      assert.ok(code.indexOf('for {') < code.indexOf('SetReadDeadline'), 'deadline renewed inside the loop');
      assert.match(code, /errors\.Is\(err, os\.ErrDeadlineExceeded\)/);
      for (const c of CARDS) assert.ok(!/\.\(net\.Error\)/.test(c.code), `${c.id}: code type-asserts net.Error`);
    });

    it('File(): no blocking mode since Go 1.11, but Fd() still switches it; SyscallConn instead', () => {
      const t = all('conn.File');
      assert.match(t, /Since Go 1\.11 `File` no longer puts the socket into blocking mode/);
      assert.match(t, /Calling `Fd\(\)` on the returned `\*os\.File` still does/);
      assert.match(t, /`SyscallConn\(\)\.Control`/);
      assert.ok(!/\.File\(\)/.test(card('conn.File').code));
    });

    it('graceful shutdown: bounded Shutdown, ErrServerClosed is not a failure', () => {
      assert.match(all('server.Shutdown'), /waits indefinitely/);
      assert.match(all('server.Shutdown'), /`Shutdown` and `ErrServerClosed` since Go 1\.8/);
      assert.match(card('server.Shutdown').code, /context\.WithTimeout/);
      assert.match(card('server.Shutdown').code, /errors\.Is\(err, http\.ErrServerClosed\)/);
      assert.match(all('http.ListenAndServe'), /always returns a non-nil error/);
    });

    it('client timeouts: net.Dial and http.DefaultClient have none', () => {
      assert.match(all('net.Dial'), /no timeout/);
      assert.match(all('http.Get'), /`Timeout` is zero/);
      assert.match(all('client.Timeout'), /reading the response body/);
    });

    it('version claims match the toolchain API history ($GOROOT/api)', function () {
      const api = loadGoApi();
      if (!api) this.skip();
      const facts: [string, string, string, RegExp][] = [
        ['1.15', 'pkg os, var ErrDeadlineExceeded error', 'conn.SetReadDeadline', /`os\.ErrDeadlineExceeded` since Go 1\.15/],
        ['1.16', 'pkg net, var ErrClosed error', 'listener.Accept', /`net\.ErrClosed` since Go 1\.16/],
        ['1.21', 'pkg context, func AfterFunc(Context, func()) func() bool', 'listener.Close', /`context\.AfterFunc` since Go 1\.21/],
        ['1.23', 'pkg net, type KeepAliveConfig struct', 'conn.SetKeepAliveConfig', /Since Go 1\.23/],
        ['1.23', 'pkg net, method (*TCPConn) SetKeepAliveConfig(KeepAliveConfig) error', 'net.KeepAliveConfig', /Go 1\.23 added/],
        [
          '1.8',
          'pkg net/http, method (*Server) Shutdown(context.Context) error',
          'server.Shutdown',
          /`Shutdown` and `ErrServerClosed` since Go 1\.8/,
        ],
        ['1.8', 'pkg net/http, var ErrServerClosed error', 'http.ListenAndServe', /`ErrServerClosed`[^.]* since Go 1\.8/],
        ['1.8', 'pkg crypto/tls, method (*Conn) CloseWrite() error', 'conn.CloseWrite', /`tls\.Conn\.CloseWrite` since Go 1\.8/],
        ['1.0', 'pkg net, method (*TCPConn) CloseWrite() error', 'conn.CloseWrite', /`TCPConn\.CloseWrite`[^;]* since Go 1;/],
        ['1.9', 'pkg net, method (*TCPConn) SyscallConn() (syscall.RawConn, error)', 'conn.File', /`SyscallConn` since Go 1\.9/],
        [
          '1.11',
          'pkg net, method (*ListenConfig) Listen(context.Context, string, string) (Listener, error)',
          'conn.SyscallConn',
          /`ListenConfig` and `Dialer\.Control` since Go 1\.11/,
        ],
        ['1.3', 'pkg net/http, type Client struct, Timeout time.Duration', 'client.Timeout', /`Client\.Timeout` since Go 1\.3/],
        [
          '1.2',
          'pkg net, method (*TCPConn) SetKeepAlivePeriod(time.Duration) error',
          'conn.SetKeepAlive',
          /`SetKeepAlivePeriod` since Go 1\.2/,
        ],
        ['1.13', 'pkg net, type ListenConfig struct, KeepAlive time.Duration', 'net.ListenConfig', /its `KeepAlive` since Go 1\.13/],
        [
          '1.15',
          'pkg crypto/tls, method (*Dialer) DialContext(context.Context, string, string) (net.Conn, error)',
          'tls.Dial',
          /`tls\.Dialer` and its `DialContext` since Go 1\.15/,
        ],
        [
          '1.7',
          'pkg net, method (*Dialer) DialContext(context.Context, string, string) (Conn, error)',
          'net.Dial',
          /`Dialer\.DialContext` since Go 1\.7/,
        ],
        [
          '1.17',
          'pkg crypto/tls, method (*Conn) HandshakeContext(context.Context) error',
          'tls.Listen',
          /`HandshakeContext` since Go 1\.17/,
        ],
        [
          '1.16',
          'pkg os/signal, func NotifyContext(context.Context, ...os.Signal) (context.Context, context.CancelFunc)',
          'server.Shutdown',
          /`signal\.NotifyContext` since Go 1\.16/,
        ],
        ['1.9', 'pkg net/http, method (*Server) RegisterOnShutdown(func())', 'server.Shutdown', /`RegisterOnShutdown` since Go 1\.9/],
        [
          '1.13',
          'pkg net/http, func NewRequestWithContext(context.Context, string, string, io.Reader) (*Request, error)',
          'http.Get',
          /`NewRequestWithContext` since Go 1\.13/,
        ],
      ];
      for (const [version, line, id, claim] of facts) {
        const lines = api!.lines.get(version) ?? [];
        assert.ok(
          lines.some((l) => l.startsWith(line)),
          `api/go${version === '1.0' ? '1' : version}.txt lacks: ${line}`,
        );
        assert.match(all(id), claim, `${id} should state ${claim}`);
      }
    });

    it('the installed Go behaves as the cards say (Linux: sockopts, deadlines, ErrClosed, half-close, File/Fd)', function () {
      this.timeout(120000);
      if (process.platform !== 'linux' || !haveGo()) this.skip();
      const dir = mkdtempSync(join(tmpdir(), 'cd-facts-'));
      try {
        writeFileSync(join(dir, 'go.mod'), 'module facts\n\ngo 1.23\n');
        writeFileSync(join(dir, 'main.go'), FACTS_PROGRAM);
        const r = spawnSync('go', ['run', '.'], {
          cwd: dir,
          encoding: 'utf8',
          env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' },
        });
        assert.equal(r.status, 0, r.stderr);
        const f = JSON.parse(r.stdout);
        assert.equal(f.listenerReuseAddr, 1, 'net.Listen sets SO_REUSEADDR');
        assert.equal(f.listenerReusePort, 0, 'net.Listen does not set SO_REUSEPORT');
        assert.deepEqual(f.dialed, [1, 15, 15, 9], 'dialed: keep-alive on, idle 15 s, interval 15 s, count 9');
        assert.deepEqual(f.accepted, [1, 15, 15, 9], 'accepted: keep-alive on, idle 15 s, interval 15 s, count 9');
        assert.deepEqual(f.dialerKeepAlive30, [1, 30, 15, 9], 'Dialer.KeepAlive sets only the idle time (Go 1.23+)');
        assert.deepEqual(f.afterSetKeepAlivePeriod60, [1, 60, 15, 9], 'SetKeepAlivePeriod sets only the idle time (Go 1.23+)');
        assert.equal(f.pastDeadlineWakesRead, true);
        assert.equal(f.deadlineErrIsErrDeadlineExceeded, true);
        assert.equal(f.usableAfterClearingDeadline, true);
        assert.equal(f.acceptAfterCloseIsErrClosed, true);
        assert.equal(f.readAfterCloseIsErrClosed, true);
        assert.equal(f.peerReadsEOFAfterCloseWrite, true);
        assert.equal(f.halfClosedSideStillReads, true);
        assert.equal(f.fileKeepsNonblock, true, 'File() leaves O_NONBLOCK (Go 1.11+)');
        assert.equal(f.fdMakesOriginalBlocking, true, 'Fd() makes the shared description blocking');
        assert.equal(f.defaultClientTimeout, 0);
        assert.equal(f.serveAfterShutdownIsErrServerClosed, true);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});

/** Measures the socket facts the cards state (Linux; run with the machine's Go). */
const FACTS_PROGRAM = `package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"
	"time"
)

func opt(c syscall.Conn, level, name int) int {
	rc, _ := c.SyscallConn()
	v := -1
	rc.Control(func(fd uintptr) { v, _ = syscall.GetsockoptInt(int(fd), level, name) })
	return v
}

func ka(c *net.TCPConn) []int {
	return []int{opt(c, syscall.SOL_SOCKET, syscall.SO_KEEPALIVE), opt(c, syscall.IPPROTO_TCP, syscall.TCP_KEEPIDLE),
		opt(c, syscall.IPPROTO_TCP, syscall.TCP_KEEPINTVL), opt(c, syscall.IPPROTO_TCP, syscall.TCP_KEEPCNT)}
}

func nonblock(fd uintptr) bool {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/self/fdinfo/%d", fd))
	for _, l := range strings.Split(string(b), "\\n") {
		if strings.HasPrefix(l, "flags:") {
			var f int
			fmt.Sscanf(strings.TrimSpace(l[6:]), "%o", &f)
			return f&syscall.O_NONBLOCK != 0
		}
	}
	return false
}

func main() {
	out := map[string]any{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	out["listenerReuseAddr"] = opt(ln.(*net.TCPListener), syscall.SOL_SOCKET, syscall.SO_REUSEADDR)
	out["listenerReusePort"] = opt(ln.(*net.TCPListener), syscall.SOL_SOCKET, 15) // SO_REUSEPORT on Linux
	acc := make(chan net.Conn, 8)
	acceptErr := make(chan error, 1)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				acceptErr <- err
				return
			}
			acc <- c
		}
	}()
	d, _ := net.Dial("tcp", ln.Addr().String())
	a := <-acc
	out["dialed"] = ka(d.(*net.TCPConn))
	out["accepted"] = ka(a.(*net.TCPConn))
	d2, _ := (&net.Dialer{KeepAlive: 30 * time.Second}).Dial("tcp", ln.Addr().String())
	<-acc
	out["dialerKeepAlive30"] = ka(d2.(*net.TCPConn))
	d2.(*net.TCPConn).SetKeepAlivePeriod(60 * time.Second)
	out["afterSetKeepAlivePeriod60"] = ka(d2.(*net.TCPConn))
	d2.Close()
	out["defaultClientTimeout"] = int64(http.DefaultClient.Timeout)

	done := make(chan error)
	go func() { _, err := a.Read(make([]byte, 1)); done <- err }()
	time.Sleep(50 * time.Millisecond)
	a.SetReadDeadline(time.Unix(1, 0))
	select {
	case err := <-done:
		out["pastDeadlineWakesRead"] = true
		out["deadlineErrIsErrDeadlineExceeded"] = errors.Is(err, os.ErrDeadlineExceeded)
	case <-time.After(5 * time.Second):
		out["pastDeadlineWakesRead"] = false
	}
	a.SetReadDeadline(time.Time{})
	d.Write([]byte("x"))
	n, err := a.Read(make([]byte, 1))
	out["usableAfterClearingDeadline"] = n == 1 && err == nil

	d.Write([]byte("req"))
	d.(*net.TCPConn).CloseWrite()
	got, err := io.ReadAll(a)
	out["peerReadsEOFAfterCloseWrite"] = string(got) == "req" && err == nil
	a.Write([]byte("reply"))
	a.Close()
	rep, err := io.ReadAll(d)
	out["halfClosedSideStillReads"] = string(rep) == "reply" && err == nil
	d.Close()
	_, err = d.Read(make([]byte, 1))
	out["readAfterCloseIsErrClosed"] = errors.Is(err, net.ErrClosed)

	d3, _ := net.Dial("tcp", ln.Addr().String())
	<-acc
	var orig uintptr
	rc, _ := d3.(*net.TCPConn).SyscallConn()
	rc.Control(func(fd uintptr) { orig = fd })
	f, _ := d3.(*net.TCPConn).File()
	out["fileKeepsNonblock"] = nonblock(orig)
	f.Fd()
	out["fdMakesOriginalBlocking"] = !nonblock(orig)
	f.Close()
	d3.Close()

	ln.Close()
	out["acceptAfterCloseIsErrClosed"] = errors.Is(<-acceptErr, net.ErrClosed)

	srv := &http.Server{Addr: "127.0.0.1:0", ReadHeaderTimeout: time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	time.Sleep(50 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	srv.Shutdown(ctx)
	out["serveAfterShutdownIsErrServerClosed"] = errors.Is(<-errc, http.ErrServerClosed)

	json.NewEncoder(os.Stdout).Encode(out)
}
`;
