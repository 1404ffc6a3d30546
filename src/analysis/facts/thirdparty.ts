// Network types outside the standard library that own a connection: where values come from
// (constructors, methods), and how they end (closers). Checked against each module's source and
// docs at the versions named below (downloaded through the Go module proxy); conn-not-closed and
// defer-before-errcheck use them through facts/kinds.ts.
//
// Left out on purpose: wrappers over a connection the caller passes in (gorilla NewClient, x/net
// websocket.NewClient, ssh.NewClient/NewClientConn/NewServerConn: the caller may keep owning the
// net.Conn, and an SSH server connection ends when its peer leaves), accessors that return the
// underlying conn (gorilla NetConn/UnderlyingConn: not a new resource), and the handshake
// *http.Response of websocket dials (gorilla replaces its Body with a NopCloser; coder/websocket:
// "You never need to close resp.Body yourself").
import type { Kind } from './kinds';

export interface Closer {
  /** What the user calls it, in messages: "websocket connection", "SSH session". */
  noun: string;
  /** Methods that end its life (any one of them). */
  methods: string[];
  /** Go text the quick fix defers, after the value's name: `.Close()`, `.CloseNow()`. */
  fix: string;
  /** Methods whose results of this type the caller does not own (however the receiver is declared). */
  notFrom?: string[];
}

export interface NetPackage {
  /** Import path. */
  path: string;
  /** Module and the versions whose exported API this entry was checked against. */
  module: string;
  checked: string[];
  /** Package functions: result kinds by position (null: not modelled). */
  funcs?: Record<string, (Kind | null)[]>;
  /** Package variables holding values of a modelled type (`websocket.DefaultDialer`). */
  vars?: Record<string, Kind>;
  /** Methods by receiver type name (no `*`): result kinds by position. */
  methods?: Record<string, Record<string, (Kind | null)[]>>;
  /** Types (no `*`) whose values must be closed. */
  closers?: Record<string, Closer>;
}

const GORILLA = 'github.com/gorilla/websocket';
const CODER = 'github.com/coder/websocket';
const NHOOYR = 'nhooyr.io/websocket';
const XWS = 'golang.org/x/net/websocket';
const SSH = 'golang.org/x/crypto/ssh';
const GRPC = 'google.golang.org/grpc';
const QUIC = 'github.com/quic-go/quic-go';

/** coder/websocket and its former home nhooyr.io/websocket (same API). */
function coder(path: string, module: string, checked: string[]): NetPackage {
  const conn = `*${path}.Conn`;
  return {
    path,
    module,
    checked,
    // Dial(ctx, u, opts) (*Conn, *http.Response, error); Accept(w, r, opts) (*Conn, error).
    funcs: { Dial: [conn, null, null], Accept: [conn, null] },
    // Close(code, reason) does the close handshake; CloseNow() does not (the README's `defer c.CloseNow()`).
    closers: { Conn: { noun: 'websocket connection', methods: ['Close', 'CloseNow'], fix: '.CloseNow()' } },
  };
}

/**
 * quic-go: `*Conn`/`*Stream` structs since v0.53 (v0.65.0 checked); `Connection`/`Stream` interfaces
 * before (v0.48.2 checked). Only what the caller starts is modelled: dialed connections and the
 * bidirectional streams it opens or accepts. A connection from `(*Listener).Accept` lives as long as
 * its peer keeps it (it ends by itself on the idle timeout, MaxIdleTimeout 30 s by default), and
 * unidirectional send streams are often meant to stay open for the connection's life (HTTP/3's
 * control and QPACK streams: closing them is a connection error, RFC 9114 §6.2.1).
 */
function quic(): NetPackage {
  const conn = `*${QUIC}.Conn`;
  const stream = `*${QUIC}.Stream`;
  const connMethods = { OpenStream: [stream, null], OpenStreamSync: [stream, null], AcceptStream: [stream, null] };
  const connCloser: Closer = { noun: 'QUIC connection', methods: ['CloseWithError'], fix: '.CloseWithError(0, "")', notFrom: ['Accept'] };
  // Close ends the send direction (the stream is done once the peer's side ends too); CancelWrite aborts it.
  const streamCloser: Closer = { noun: 'QUIC stream', methods: ['Close', 'CancelWrite'], fix: '.Close()' };
  return {
    path: QUIC,
    module: QUIC,
    checked: ['v0.65.0', 'v0.48.2'],
    funcs: {
      DialAddr: [conn, null],
      DialAddrEarly: [conn, null],
      Dial: [conn, null],
      DialEarly: [conn, null],
      ListenAddr: [`*${QUIC}.Listener`, null],
      ListenAddrEarly: [`*${QUIC}.EarlyListener`, null],
      Listen: [`*${QUIC}.Listener`, null],
      ListenEarly: [`*${QUIC}.EarlyListener`, null],
    },
    methods: {
      Conn: connMethods,
      Connection: connMethods,
      EarlyConnection: connMethods,
      Transport: {
        Dial: [conn, null],
        DialEarly: [conn, null],
        Listen: [`*${QUIC}.Listener`, null],
        ListenEarly: [`*${QUIC}.EarlyListener`, null],
      },
    },
    closers: {
      Conn: connCloser,
      Connection: connCloser,
      EarlyConnection: connCloser,
      Stream: streamCloser,
      Listener: { noun: 'QUIC listener', methods: ['Close'], fix: '.Close()' },
      EarlyListener: { noun: 'QUIC listener', methods: ['Close'], fix: '.Close()' },
    },
  };
}

export const NET_PACKAGES: NetPackage[] = [
  {
    path: GORILLA,
    module: GORILLA,
    checked: ['v1.5.3'],
    // Upgrade(w, r, responseHeader, readBufSize, writeBufSize) (*Conn, error) is deprecated but still used.
    funcs: { Upgrade: [`*${GORILLA}.Conn`, null] },
    vars: { DefaultDialer: `*${GORILLA}.Dialer` },
    methods: {
      Dialer: { Dial: [`*${GORILLA}.Conn`, null, null], DialContext: [`*${GORILLA}.Conn`, null, null] },
      Upgrader: { Upgrade: [`*${GORILLA}.Conn`, null] },
    },
    // Close closes the network connection without a close message.
    closers: { Conn: { noun: 'websocket connection', methods: ['Close'], fix: '.Close()' } },
  },
  coder(CODER, CODER, ['v1.8.15']),
  coder(NHOOYR, NHOOYR, ['v1.8.17']),
  {
    path: XWS,
    module: 'golang.org/x/net',
    checked: ['v0.63.0'],
    // Server-side conns (websocket.Handler / Server) are closed by the package when the handler returns.
    funcs: { Dial: [`*${XWS}.Conn`, null], DialConfig: [`*${XWS}.Conn`, null] },
    methods: { Config: { DialContext: [`*${XWS}.Conn`, null] } },
    closers: { Conn: { noun: 'websocket connection', methods: ['Close'], fix: '.Close()' } },
  },
  {
    path: SSH,
    module: 'golang.org/x/crypto',
    checked: ['v0.59.0'],
    funcs: { Dial: [`*${SSH}.Client`, null] },
    methods: {
      // Dial/DialContext/DialTCP open a forwarded channel: a net.Conn the caller must close; Listen*
      // ask the server to forward a port: a net.Listener.
      Client: {
        NewSession: [`*${SSH}.Session`, null],
        Dial: ['net.Conn', null],
        DialContext: ['net.Conn', null],
        DialTCP: ['net.Conn', null],
        Listen: ['net.Listener', null],
        ListenTCP: ['net.Listener', null],
        ListenUnix: ['net.Listener', null],
      },
    },
    closers: {
      Client: { noun: 'SSH client', methods: ['Close'], fix: '.Close()' },
      // Run, Output, CombinedOutput and Wait return once the server has closed the channel (the
      // command exited): the session is over then too.
      Session: { noun: 'SSH session', methods: ['Close', 'Run', 'Output', 'CombinedOutput', 'Wait'], fix: '.Close()' },
    },
  },
  {
    path: GRPC,
    module: GRPC,
    checked: ['v1.85.0'],
    // Dial and DialContext are deprecated for NewClient (v1.63) but everywhere in real code.
    funcs: { Dial: [`*${GRPC}.ClientConn`, null], DialContext: [`*${GRPC}.ClientConn`, null], NewClient: [`*${GRPC}.ClientConn`, null] },
    closers: { ClientConn: { noun: 'gRPC client connection', methods: ['Close'], fix: '.Close()' } },
  },
  quic(),
];

/**
 * Functions of other packages that use a value of these types without taking it over: `pkg.Func`
 * → argument positions. (Passing a value to an unknown function otherwise counts as a hand-off.)
 */
const BORROWERS: Record<string, number[]> = {
  // sftp.NewClient opens a session on the SSH client; (*sftp.Client).Close closes that session's
  // pipes, not the SSH client (github.com/pkg/sftp v1.13.12 client.go).
  'github.com/pkg/sftp.NewClient': [0],
  // wsjson.Read/Write(ctx, c, v) read or write one message.
  [`${CODER}/wsjson.Read`]: [1],
  [`${CODER}/wsjson.Write`]: [1],
  [`${NHOOYR}/wsjson.Read`]: [1],
  [`${NHOOYR}/wsjson.Write`]: [1],
};

/** Does the call `q(…)` only borrow its argument `idx` (of kind `argKind`)? */
export function borrowsArg(q: string, idx: number, argKind: Kind | null): boolean {
  if (BORROWERS[q]?.includes(idx)) return true;
  // protoc-gen-go-grpc's constructors (`pb.NewGreeterClient(cc)`) keep cc in a struct and never
  // close it (e.g. grpc v1.85.0 health/grpc_health_v1: `return &healthClient{cc}`).
  return argKind?.replace(/^\*/, '') === `${GRPC}.ClientConn` && /^New\w*Client$/.test(q.slice(q.lastIndexOf('.') + 1));
}

/** `pkg/path.Func` → result kinds. */
export const THIRD_PARTY_FUNCS: Record<string, (Kind | null)[]> = {};
/** `pkg/path.Var` → kind. */
export const THIRD_PARTY_VARS: Record<string, Kind> = {};
/** `pkg/path.Type` (no `*`) → method → result kinds. */
export const THIRD_PARTY_METHODS: Record<string, Record<string, (Kind | null)[]>> = {};
const CLOSERS = new Map<string, Closer>();
/** Import paths of these packages (for the relevance pre-check). */
export const THIRD_PARTY_PATHS: string[] = [];

for (const p of NET_PACKAGES) {
  THIRD_PARTY_PATHS.push(p.path);
  for (const [f, r] of Object.entries(p.funcs ?? {})) THIRD_PARTY_FUNCS[`${p.path}.${f}`] = r;
  for (const [v, k] of Object.entries(p.vars ?? {})) THIRD_PARTY_VARS[`${p.path}.${v}`] = k;
  for (const [t, ms] of Object.entries(p.methods ?? {})) THIRD_PARTY_METHODS[`${p.path}.${t}`] = ms;
  for (const [t, c] of Object.entries(p.closers ?? {})) CLOSERS.set(`${p.path}.${t}`, c);
}

/** How a value of this kind ends, when it is one of these packages' closable types. */
export function closerOf(k: Kind | null | undefined): Closer | null {
  if (!k) return null;
  return CLOSERS.get(k.replace(/^\*/, '')) ?? null;
}

/** Does calling method `name` on a value of kind `k` end its life? `Close` for every closable value. */
export function isCloseMethod(k: Kind | null | undefined, name: string): boolean {
  return name === 'Close' || !!closerOf(k)?.methods.includes(name);
}
