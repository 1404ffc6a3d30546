// The types the rules care about, named `pkgpath.Type` with a leading `*` for pointers, plus where
// values of them come from in the standard library (and, through facts/thirdparty.ts, in the
// network packages outside it).
import { THIRD_PARTY_FUNCS, THIRD_PARTY_METHODS, THIRD_PARTY_VARS, closerOf } from './thirdparty';

export type Kind = string;

export const CONN_KINDS = new Set<Kind>([
  'net.Conn',
  '*net.TCPConn',
  '*net.UnixConn',
  '*net.UDPConn',
  '*net.IPConn',
  '*crypto/tls.Conn',
  'net.PacketConn',
]);
export const STREAM_CONN_KINDS = new Set<Kind>(['net.Conn', '*net.TCPConn', '*net.UnixConn', '*crypto/tls.Conn']);
export const LISTENER_KINDS = new Set<Kind>(['net.Listener', '*net.TCPListener', '*net.UnixListener']);
export const RESPONSE = '*net/http.Response';
export const CLIENT_KINDS = new Set<Kind>(['*net/http.Client', 'net/http.Client']);
export const SERVER_KINDS = new Set<Kind>(['*net/http.Server', 'net/http.Server']);
export const DIALER_KINDS = new Set<Kind>(['net.Dialer', '*net.Dialer']);

export const isConn = (k: Kind | null | undefined): boolean => !!k && CONN_KINDS.has(k);
export const isStreamConn = (k: Kind | null | undefined): boolean => !!k && STREAM_CONN_KINDS.has(k);
export const isListener = (k: Kind | null | undefined): boolean => !!k && LISTENER_KINDS.has(k);
export const isResponse = (k: Kind | null | undefined): boolean => k === RESPONSE;
export const isClient = (k: Kind | null | undefined): boolean => !!k && CLIENT_KINDS.has(k);
export const isServer = (k: Kind | null | undefined): boolean => !!k && SERVER_KINDS.has(k);
export const isDialer = (k: Kind | null | undefined): boolean => !!k && DIALER_KINDS.has(k);
/** Values that own an OS resource and must be closed by whoever holds them last. */
export const isClosable = (k: Kind | null | undefined): boolean => isConn(k) || isListener(k) || !!closerOf(k);

/** Package-level functions that create values of interest: results by position. */
export const CONSTRUCTORS: Record<string, Kind[]> = {
  'net.Dial': ['net.Conn'],
  'net.DialTimeout': ['net.Conn'],
  'net.DialTCP': ['*net.TCPConn'],
  'net.DialUnix': ['*net.UnixConn'],
  'net.DialUDP': ['*net.UDPConn'],
  'net.DialIP': ['*net.IPConn'],
  'net.FileConn': ['net.Conn'],
  'net.Listen': ['net.Listener'],
  'net.ListenTCP': ['*net.TCPListener'],
  'net.ListenUnix': ['*net.UnixListener'],
  'net.FileListener': ['net.Listener'],
  'net.ListenPacket': ['net.PacketConn'],
  'net.ListenUDP': ['*net.UDPConn'],
  'net.ListenUnixgram': ['*net.UnixConn'],
  'net.ListenMulticastUDP': ['*net.UDPConn'],
  'crypto/tls.Dial': ['*crypto/tls.Conn'],
  'crypto/tls.DialWithDialer': ['*crypto/tls.Conn'],
  'crypto/tls.Client': ['*crypto/tls.Conn'],
  'crypto/tls.Server': ['*crypto/tls.Conn'],
  'crypto/tls.Listen': ['net.Listener'],
  'crypto/tls.NewListener': ['net.Listener'],
  'net/http.Get': [RESPONSE],
  'net/http.Post': [RESPONSE],
  'net/http.Head': [RESPONSE],
  'net/http.PostForm': [RESPONSE],
  'net/http.DefaultClient': ['*net/http.Client'],
  'net/http.DefaultTransport': ['net/http.RoundTripper'],
  'net/http.NewRequest': ['*net/http.Request'],
  'net/http.NewResponseController': ['*net/http.ResponseController'],
  'golang.org/x/net/context/ctxhttp.Do': [RESPONSE],
  'golang.org/x/net/context/ctxhttp.Get': [RESPONSE],
  'golang.org/x/net/context/ctxhttp.Head': [RESPONSE],
  'golang.org/x/net/context/ctxhttp.Post': [RESPONSE],
  'golang.org/x/net/context/ctxhttp.PostForm': [RESPONSE],
  'net/http.NewRequestWithContext': ['*net/http.Request'],
};

/** Methods by receiver kind (pointer stripped) and name: results by position. */
export const METHODS: Record<string, Record<string, Kind[]>> = {
  'net.Listener': { Accept: ['net.Conn'] },
  'net.TCPListener': { Accept: ['net.Conn'], AcceptTCP: ['*net.TCPConn'], File: ['*os.File'] },
  'net.UnixListener': { Accept: ['net.Conn'], AcceptUnix: ['*net.UnixConn'] },
  'net.Dialer': { Dial: ['net.Conn'], DialContext: ['net.Conn'] },
  'crypto/tls.Dialer': { Dial: ['net.Conn'], DialContext: ['net.Conn'] },
  'net.ListenConfig': { Listen: ['net.Listener'], ListenPacket: ['net.PacketConn'] },
  'net/http.Client': { Do: [RESPONSE], Get: [RESPONSE], Post: [RESPONSE], Head: [RESPONSE], PostForm: [RESPONSE] },
  'net/http.Transport': { RoundTrip: [RESPONSE] },
  'net/http.RoundTripper': { RoundTrip: [RESPONSE] },
  'net/http.Request': { Context: ['context.Context'], WithContext: ['*net/http.Request'] },
  // Hijacking hands the raw connection to the handler, which must close it.
  'net/http.Hijacker': { Hijack: ['net.Conn', '*bufio.ReadWriter', 'error'] },
  'net/http.ResponseController': { Hijack: ['net.Conn', '*bufio.ReadWriter', 'error'] },
  'net.TCPConn': { File: ['*os.File'] },
  'net.UnixConn': { File: ['*os.File'] },
  'net.UDPConn': { File: ['*os.File'] },
};

/** Result kinds of a package-level function, standard or in facts/thirdparty.ts. */
export function constructorResults(q: string): (Kind | null)[] | null {
  return CONSTRUCTORS[q] ?? THIRD_PARTY_FUNCS[q] ?? null;
}

/** The kind of a package-level variable we model (`http.DefaultClient`, `websocket.DefaultDialer`). */
export function packageVarKind(q: string): Kind | null {
  if (q === 'net/http.DefaultClient') return '*net/http.Client';
  if (q === 'net/http.DefaultTransport') return 'net/http.RoundTripper';
  return THIRD_PARTY_VARS[q] ?? null;
}

export function methodResults(recv: Kind | null | undefined, name: string): (Kind | null)[] | null {
  if (!recv) return null;
  const base = recv.replace(/^\*/, '');
  const fromTable = METHODS[base]?.[name] ?? THIRD_PARTY_METHODS[base]?.[name];
  if (fromTable) return fromTable;
  if (isConn(recv) && name === 'RemoteAddr') return ['net.Addr'];
  return null;
}

/** Field types of std structs that rules read (`resp.Body`, `r.Body`). */
export function fieldKind(recv: Kind | null | undefined, field: string): Kind | null {
  if (!recv) return null;
  const base = recv.replace(/^\*/, '');
  if (base === 'net/http.Response' && field === 'Body') return 'io.ReadCloser';
  if (base === 'net/http.Request' && field === 'Body') return 'io.ReadCloser';
  if (base === 'net/http.Client' && field === 'Transport') return 'net/http.RoundTripper';
  return null;
}
