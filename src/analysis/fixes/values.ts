// Go text for values a fix writes: timeouts from the settings, zero values, an error return.
import type { RuleContext } from '../context';
import { resultTypes } from '../facts/syntax';
import type { SyntaxNode } from '../parser';
import { formatExpr } from './gofmt';

/**
 * A timeout setting (`conndoctor.fix.*Timeout`, e.g. `5 * time.Second`) as Go text for this file:
 * package time spelled as the file imports it, spaced as gofmt prints it at `depth` (1: a right-hand
 * side, a composite literal value or a lone call argument; 2: one of several call arguments, where
 * gofmt writes `5*time.Second`), with the imports it needs.
 */
export function timeoutValue(ctx: RuleContext, setting: string, depth = 1): { text: string; imports: string[] } {
  const formatted = formatExpr(setting.trim(), depth);
  if (!/\btime\./.test(formatted)) return { text: formatted, imports: [] };
  const name = ctx.pkgName('time');
  const text = name === 'time' ? formatted : formatted.replace(/\btime\./g, name ? `${name}.` : '');
  return { text, imports: ['time'] };
}

const ZERO_NUM = new Set([
  'int',
  'int8',
  'int16',
  'int32',
  'int64',
  'uint',
  'uint8',
  'uint16',
  'uint32',
  'uint64',
  'uintptr',
  'float32',
  'float64',
  'complex64',
  'complex128',
  'byte',
  'rune',
]);
const NIL_QUALIFIED = new Set([
  'net.Conn',
  'net.Listener',
  'net.Addr',
  'net.PacketConn',
  'net.Error',
  'io.Reader',
  'io.Writer',
  'io.ReadCloser',
  'io.WriteCloser',
  'io.ReadWriter',
  'io.ReadWriteCloser',
  'io.Closer',
  'context.Context',
  'net/http.Handler',
  'net/http.RoundTripper',
  'net/http.ResponseWriter',
]);

/** The zero value of a result type as Go text, or null when we cannot be sure. */
export function zeroValue(ctx: RuleContext, t: SyntaxNode): string | null {
  switch (t.type) {
    case 'pointer_type':
    case 'slice_type':
    case 'map_type':
    case 'channel_type':
    case 'function_type':
    case 'interface_type':
      return 'nil';
    case 'array_type':
    case 'struct_type':
      return `${t.text}{}`;
    case 'type_identifier': {
      const n = t.text;
      if (ZERO_NUM.has(n)) return '0';
      if (n === 'string') return '""';
      if (n === 'bool') return 'false';
      if (n === 'error' || n === 'any') return 'nil';
      if (ctx.pkg.structs.has(n)) return `${n}{}`;
      return null;
    }
    case 'qualified_type': {
      const q = ctx.file.typeKind(t);
      if (!q) return null;
      if (NIL_QUALIFIED.has(q)) return 'nil';
      if (q === 'time.Duration') return '0';
      if (q === 'time.Time' || q === 'net/http.Server' || q === 'net.Dialer') return `${t.text}{}`;
      return null;
    }
    default:
      return null;
  }
}

/**
 * `return …` for leaving the function when `errExpr` (an error) must be reported: `return` for no
 * results, `return <zeros>, errExpr` when the last result is an error and every other zero value
 * is known. Null when no such form is certain.
 */
export function errorReturn(ctx: RuleContext, fn: SyntaxNode, errExpr: string): string | null {
  const ts = resultTypes(fn);
  if (!ts.length) return 'return';
  const last = ts[ts.length - 1];
  if (last.type !== 'type_identifier' || last.text !== 'error') return null;
  const zeros: string[] = [];
  for (const t of ts.slice(0, -1)) {
    const z = zeroValue(ctx, t);
    if (z === null) return null;
    zeros.push(z);
  }
  return `return ${[...zeros, errExpr].join(', ')}`;
}
