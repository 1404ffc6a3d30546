// Which pitfall card belongs to the API under the cursor. Resolution uses the analyzer's facts
// (imports, scopes, Kinds), so `f.Close()` on an *os.File or a local variable named `net` never
// shows a net.Conn card: when the receiver's Kind is unknown, no card is shown.
import type { SyntaxNode } from '../analysis/parser';
import type { FileFacts } from '../analysis/facts/package';
import type { Kind } from '../analysis/facts/kinds';
import { unparen } from '../analysis/facts/syntax';
import { CARDS_BY_ID } from './cards';
import type { Card } from './model';

/** What the hover provider knows about the position, in the analyzer's vocabulary. */
export interface ApiRef {
  /** Package-level function, variable or type: `net.Dial`, `net/http.Get`, `crypto/tls.Dialer`, `net.KeepAliveConfig`. */
  qualified?: string;
  /** Method name, with `recvKind`. */
  method?: string;
  /** Field name (selector or composite-literal key), with `recvKind`. */
  field?: string;
  /** Kind of the receiver / struct: `net.Conn`, `*net.TCPConn`, `*net/http.Server`, `net/http.Client`… */
  recvKind?: Kind | null;
  /** For `X.Body.Close()`: the Kind of X (the card only applies when it is an http.Response). */
  bodyOf?: Kind | null;
  /** The receiver is the package variable `net/http.DefaultClient`. */
  recvQualified?: string | null;
}

export interface CardHit {
  card: Card;
  /** UTF-16 offsets of the identifier the card is about (the hover range). */
  start: number;
  end: number;
  ref: ApiRef;
}

const BY_QUALIFIED: Record<string, string> = {
  'net.Dial': 'net.Dial',
  'net.DialTCP': 'net.Dial',
  'net.DialTimeout': 'net.DialTimeout',
  'net.Dialer': 'net.Dialer',
  'crypto/tls.Dial': 'tls.Dial',
  'crypto/tls.DialWithDialer': 'tls.Dial',
  'crypto/tls.Dialer': 'tls.Dial',
  'net.Listen': 'net.Listen',
  'net.ListenTCP': 'net.Listen',
  'net.ListenConfig': 'net.ListenConfig',
  'crypto/tls.Listen': 'tls.Listen',
  'crypto/tls.NewListener': 'tls.Listen',
  'net.KeepAliveConfig': 'net.KeepAliveConfig',
  'net.ErrClosed': 'listener.Accept',
  'os.ErrDeadlineExceeded': 'conn.SetDeadline',
  'net/http.ListenAndServe': 'http.ListenAndServe',
  'net/http.ListenAndServeTLS': 'http.ListenAndServe',
  'net/http.Serve': 'http.ListenAndServe',
  'net/http.ServeTLS': 'http.ListenAndServe',
  'net/http.ErrServerClosed': 'http.ListenAndServe',
  'net/http.Get': 'http.Get',
  'net/http.Post': 'http.Get',
  'net/http.Head': 'http.Get',
  'net/http.PostForm': 'http.Get',
  'net/http.DefaultClient': 'http.Get',
  'net/http.Client': 'client.Timeout',
};

const base = (k: Kind | null | undefined): string => (k ?? '').replace(/^\*/, '');
const set = (...xs: string[]) => new Set(xs);

// Stream conns only: the Close and deadline cards talk about TCP (CLOSE_WAIT, keep-alive), not UDP.
const CONN = set('net.Conn', 'net.TCPConn', 'net.UnixConn', 'crypto/tls.Conn');
const HALF_CLOSE = set('net.TCPConn', 'net.UnixConn', 'crypto/tls.Conn');
const CLOSE_READ = set('net.TCPConn', 'net.UnixConn');
const RAW = set('net.TCPConn', 'net.UnixConn', 'net.UDPConn', 'net.IPConn', 'net.TCPListener', 'net.UnixListener');
const LISTENER = set('net.Listener', 'net.TCPListener', 'net.UnixListener');
const DIALER = set('net.Dialer');
const TLS_DIALER = set('crypto/tls.Dialer');
const LISTEN_CONFIG = set('net.ListenConfig');
const SERVER = set('net/http.Server');
const CLIENT = set('net/http.Client');
const RESPONSE = set('net/http.Response');

function methodCard(name: string, recvKind: Kind | null | undefined, ref: ApiRef): string | null {
  const b = base(recvKind);
  if (!b) return null;
  if (CONN.has(b)) {
    if (name === 'Close') return 'conn.Close';
    if (name === 'SetDeadline' || name === 'SetReadDeadline' || name === 'SetWriteDeadline') return `conn.${name}`;
  }
  if (HALF_CLOSE.has(b) && name === 'CloseWrite') return 'conn.CloseWrite';
  if (CLOSE_READ.has(b) && name === 'CloseRead') return 'conn.CloseRead';
  if (RAW.has(b) && (name === 'File' || name === 'SyscallConn')) return `conn.${name}`;
  if (b === 'net.TCPConn' && (name === 'SetKeepAlive' || name === 'SetKeepAlivePeriod')) return 'conn.SetKeepAlive';
  if (b === 'net.TCPConn' && name === 'SetKeepAliveConfig') return 'conn.SetKeepAliveConfig';
  if (LISTENER.has(b)) {
    if (name === 'Close') return 'listener.Close';
    if (name === 'Accept' || name === 'AcceptTCP' || name === 'AcceptUnix') return 'listener.Accept';
  }
  if (DIALER.has(b) && (name === 'Dial' || name === 'DialContext')) return 'net.Dialer';
  if (TLS_DIALER.has(b) && (name === 'Dial' || name === 'DialContext')) return 'tls.Dial';
  if (LISTEN_CONFIG.has(b) && name === 'Listen') return 'net.ListenConfig';
  if (SERVER.has(b)) {
    if (name === 'Shutdown') return 'server.Shutdown';
    if (name === 'Close') return 'server.Close';
    if (name === 'ListenAndServe' || name === 'ListenAndServeTLS' || name === 'Serve' || name === 'ServeTLS') return 'http.ListenAndServe';
  }
  // Only the package's DefaultClient: on other clients these calls are fine when the client has a timeout.
  if (CLIENT.has(b) && ref.recvQualified === 'net/http.DefaultClient' && ['Get', 'Post', 'Head', 'PostForm', 'Do'].includes(name))
    return 'http.Get';
  // `resp.Body.Close()`: the Body field of an *http.Response (not a request body, not any io.ReadCloser).
  if (b === 'io.ReadCloser' && name === 'Close' && RESPONSE.has(base(ref.bodyOf))) return 'body.Close';
  return null;
}

function fieldCard(name: string, recvKind: Kind | null | undefined): string | null {
  const b = base(recvKind);
  if (!b) return null;
  if (RESPONSE.has(b) && name === 'Body') return 'response.Body';
  if (CLIENT.has(b) && name === 'Timeout') return 'client.Timeout';
  if ((DIALER.has(b) || LISTEN_CONFIG.has(b)) && (name === 'KeepAliveConfig' || name === 'KeepAlive')) return 'net.KeepAliveConfig';
  if (DIALER.has(b) && name === 'Timeout') return 'net.Dialer';
  if (b === 'net.KeepAliveConfig') return 'net.KeepAliveConfig';
  if (SERVER.has(b) && ['ReadHeaderTimeout', 'ReadTimeout', 'WriteTimeout', 'IdleTimeout'].includes(name)) return 'http.ListenAndServe';
  return null;
}

/** The card for an API reference, or null when none applies (or the receiver's Kind is unknown). */
export function cardFor(ref: ApiRef): Card | null {
  let id: string | null = null;
  if (ref.qualified) id = BY_QUALIFIED[ref.qualified] ?? null;
  else if (ref.method) id = methodCard(ref.method, ref.recvKind, ref);
  else if (ref.field) id = fieldCard(ref.field, ref.recvKind);
  return id ? (CARDS_BY_ID.get(id) ?? null) : null;
}

/** Describes the API named by the identifier at `node`, in ApiRef terms (null: not an API position). */
export function apiRefAt(file: FileFacts, node: SyntaxNode): ApiRef | null {
  const parent = node.parent;
  if (!parent) return null;

  // `pkg.Name`, `recv.Method`, `recv.Field`: only the name part (the field identifier) hovers.
  if (node.type === 'field_identifier' && parent.type === 'selector_expression' && parent.childForFieldName('field')?.id === node.id) {
    const sel = parent;
    const operand = sel.childForFieldName('operand');
    const name = node.text;
    const q = file.qualified(sel);
    if (q) return { qualified: q };
    if (!operand) return null;
    const recvKind = file.kindOf(operand);
    const ref: ApiRef = { recvKind, recvQualified: file.qualified(operand) };
    const call = parent.parent;
    const isCall = call?.type === 'call_expression' && unparen(call.childForFieldName('function'))?.id === sel.id;
    const bodyOf = bodyOwner(file, operand);
    if (isCall) return { ...ref, method: name, bodyOf };
    // Not called: a field, or a method value such as `(&net.Dialer{}).DialContext`.
    const asField: ApiRef = { ...ref, field: name };
    if (cardFor(asField)) return asField;
    return { ...ref, method: name, bodyOf };
  }

  // `net.KeepAliveConfig` / `tls.Dialer` in type position (declarations, composite literals).
  if (node.type === 'type_identifier' && parent.type === 'qualified_type') {
    const k = file.typeKind(parent);
    return k ? { qualified: k.replace(/^\*/, '') } : null;
  }

  if (node.type === 'identifier' || node.type === 'field_identifier') {
    // Key of a composite literal: `http.Client{Timeout: …}`, `net.Dialer{KeepAlive: …}`.
    if (
      parent.type === 'literal_element' &&
      parent.parent?.type === 'keyed_element' &&
      parent.parent.childForFieldName('key')?.id === parent.id
    ) {
      const lit = parent.parent.parent?.type === 'literal_value' ? parent.parent.parent.parent : null;
      if (lit?.type === 'composite_literal') {
        const recvKind = file.typeKind(lit.childForFieldName('type'));
        return recvKind ? { field: node.text, recvKind } : null;
      }
      return null;
    }
    // A dot-imported name: `Dial(...)` with `import . "net"`.
    const q = file.qualified(node);
    return q ? { qualified: q } : null;
  }

  // A dot-imported type name: `KeepAliveConfig{...}` with `import . "net"`.
  if (node.type === 'type_identifier') {
    const k = file.typeKind(node);
    return k && !k.startsWith('local.') ? { qualified: k.replace(/^\*/, '') } : null;
  }
  return null;
}

/** `X` when `e` is `X.Body`, as a Kind; otherwise null. */
function bodyOwner(file: FileFacts, e: SyntaxNode): Kind | null {
  const u = unparen(e);
  if (u?.type !== 'selector_expression' || u.childForFieldName('field')?.text !== 'Body') return null;
  return file.kindOf(u.childForFieldName('operand'));
}

/** The identifier under the cursor (an offset at its end also counts, as editors report it). */
function identifierAt(file: FileFacts, offset: number): SyntaxNode | null {
  const root = file.tree.rootNode;
  const isId = (n: SyntaxNode | null) => !!n && /identifier$/.test(n.type);
  // A one-character range: an empty range at a token's start would also match the token before it.
  const at = offset < file.text.length ? root.descendantForIndex(offset, offset + 1) : null;
  if (isId(at)) return at;
  if (offset > 0) {
    const before = root.descendantForIndex(offset - 1, offset);
    if (isId(before) && before!.endIndex === offset) return before;
  }
  return null;
}

/** The card and the identifier range for the API at `offset`, or null. */
export function lookupAt(file: FileFacts, offset: number): CardHit | null {
  const id = identifierAt(file, offset);
  if (!id) return null;
  const ref = apiRefAt(file, id);
  if (!ref) return null;
  const card = cardFor(ref);
  return card ? { card, start: id.startIndex, end: id.endIndex, ref } : null;
}

/** The pitfall card for the API under the cursor, or null (unknown receiver, not a lifecycle API). */
export function cardAt(file: FileFacts, offset: number): Card | null {
  return lookupAt(file, offset)?.card ?? null;
}

// The hover provider imports the renderer from here too.
export { renderMarkdown, renderRuleMarkdown, localeOf } from './render';
