// An HTTP server that never times out reading requests: http.ListenAndServe/ListenAndServeTLS/
// Serve/ServeTLS (package helpers: a zero http.Server) or an http.Server literal without
// ReadHeaderTimeout or ReadTimeout. A client that sends its headers slowly (slowloris) keeps a
// connection, a goroutine and a file descriptor for as long as it likes.
import type { Rule, Fix } from '../model';
import type { RuleContext } from '../context';
import type { SyntaxNode } from '../parser';
import { callArgs, literalKeys, named, ofType, pathText, unparen } from '../facts/syntax';
import { formatExpr } from '../fixes/gofmt';
import { withImports } from '../fixes/imports';
import { addFieldEdit, statementLine } from '../fixes/layout';
import { freshName } from '../fixes/names';
import { timeoutValue } from '../fixes/values';
import {
  escapes,
  fieldAssignedOn,
  hoistable,
  holderOf,
  holderUses,
  isLoopbackAddr,
  methodCallOn,
  stringValue,
  type Holder,
} from './_timeouts';

const rule: Rule = {
  meta: {
    id: 'http-server-no-timeouts',
    title: 'HTTP server without read timeouts',
    severity: 'warning',
    category: 'timeout',
    minGo: '1.8',
    description:
      'http.ListenAndServe, http.Serve and an http.Server without ReadHeaderTimeout or ReadTimeout never time out reading a request: a client that sends its headers slowly (slowloris) holds a connection, a goroutine and a file descriptor as long as it likes. Use an http.Server with ReadHeaderTimeout (Go 1.8+).',
    zh: {
      title: 'HTTP 服务器没有读取超时',
      description:
        'http.ListenAndServe、http.Serve 以及未设置 ReadHeaderTimeout 或 ReadTimeout 的 http.Server 读取请求时永不超时：缓慢发送请求头的客户端（slowloris）可以任意长时间占用连接、goroutine 和文件描述符。请使用设置了 ReadHeaderTimeout 的 http.Server（Go 1.8+）。',
    },
    docs: 'http-server-no-timeouts',
    messages: {
      helper: {
        en: 'http.{name} uses a zero http.Server: no timeouts (slowloris); set {key}',
        zh: 'http.{name} 使用零值 http.Server：没有超时（易受 slowloris 攻击）；应设置 {key}',
      },
      server: {
        en: 'http.Server without ReadHeaderTimeout or ReadTimeout (slowloris): set {key}',
        zh: 'http.Server 没有设置 ReadHeaderTimeout 或 ReadTimeout（易受 slowloris 攻击）：应设置 {key}',
      },
      'server-one': {
        en: 'http.Server without ReadHeaderTimeout or ReadTimeout ({other} does not bound the headers)',
        zh: 'http.Server 没有设置 ReadHeaderTimeout 或 ReadTimeout（{other} 不限制读取请求头）',
      },
      'server-both': {
        en: "http.Server without ReadHeaderTimeout or ReadTimeout (Idle/WriteTimeout don't bound the headers)",
        zh: 'http.Server 没有设置 ReadHeaderTimeout 或 ReadTimeout（IdleTimeout/WriteTimeout 不限制读取请求头）',
      },
    },
  },
  check(ctx) {
    if (ctx.file.isTest) return;
    if (!ctx.file.imports.has('net/http')) return;
    for (const call of ofType(ctx.tree.rootNode, 'call_expression')) checkHelper(ctx, call);
    for (const lit of ofType(ctx.tree.rootNode, 'composite_literal')) {
      if (ctx.file.typeKind(lit.childForFieldName('type')) === 'net/http.Server') checkServer(ctx, lit, 'literal');
    }
    for (const spec of ofType(ctx.tree.rootNode, 'var_spec')) {
      if (spec.childForFieldName('value') || ctx.file.typeKind(spec.childForFieldName('type')) !== 'net/http.Server') continue;
      if (spec.childrenForFieldName('name').filter((x) => !!x).length === 1) checkServer(ctx, spec, 'zero');
    }
  },
};

/** Helper → [server fields from the call's arguments by index, method, method arguments by index]. */
const HELPERS: Record<string, { fields: [string, number][]; method: string; margs: number[]; n: number }> = {
  ListenAndServe: {
    fields: [
      ['Addr', 0],
      ['Handler', 1],
    ],
    method: 'ListenAndServe',
    margs: [],
    n: 2,
  },
  ListenAndServeTLS: {
    fields: [
      ['Addr', 0],
      ['Handler', 3],
    ],
    method: 'ListenAndServeTLS',
    margs: [1, 2],
    n: 4,
  },
  Serve: { fields: [['Handler', 1]], method: 'Serve', margs: [0], n: 2 },
  ServeTLS: { fields: [['Handler', 1]], method: 'ServeTLS', margs: [0, 2, 3], n: 4 },
};

/** `net.Listen("unix", …)` listeners: local peers only. */
function unixListener(ctx: RuleContext, l: SyntaxNode | undefined): boolean {
  const id = unparen(l);
  if (!id || id.type !== 'identifier') return false;
  const b = ctx.file.binding(id);
  const v = unparen(b?.value?.expr);
  if (!v || v.type !== 'call_expression') return false;
  const q = ctx.file.qualified(v.childForFieldName('function'));
  return (q === 'net.Listen' || q === 'net.ListenUnix') && /^unix/.test(stringValue(callArgs(v)[0]) ?? '');
}

/** The read timeout to add: ReadHeaderTimeout since Go 1.8, ReadTimeout before. */
function timeoutField(ctx: RuleContext): { key: string; value: { text: string; imports: string[] } } {
  if (ctx.goAtLeast('1.8')) return { key: 'ReadHeaderTimeout', value: timeoutValue(ctx, ctx.fix.readHeaderTimeout) };
  return { key: 'ReadTimeout', value: timeoutValue(ctx, ctx.fix.readTimeout) };
}

function checkHelper(ctx: RuleContext, call: SyntaxNode): void {
  const fn = unparen(call.childForFieldName('function'));
  const q = ctx.file.qualified(fn);
  if (!q || !q.startsWith('net/http.')) return;
  const name = q.slice('net/http.'.length);
  const h = HELPERS[name];
  if (!h) return;
  const args = callArgs(call);
  if (args.length !== h.n) return;
  if ((name === 'ListenAndServe' || name === 'ListenAndServeTLS') && isLoopbackAddr(args[0])) return;
  if ((name === 'Serve' || name === 'ServeTLS') && unixListener(ctx, args[0])) return;

  const tf = timeoutField(ctx);
  const fixes: Fix[] = [];
  if (!args.some((a) => a.text.includes('\n'))) {
    // Arguments move from a call with several arguments (gofmt depth 2: `a+b`) into a composite
    // literal (depth 1: `a + b`) or a call with fewer arguments: re-space them for their new place.
    const fields: [string, string][] = h.fields
      .map(([k, i]) => [k, formatExpr(args[i].text, 1)] as [string, string])
      .filter(([k, v]) => !(k === 'Handler' && v === 'nil'));
    fields.push([tf.key, tf.value.text]);
    const margs = h.margs.map((i) => formatExpr(args[i].text, h.margs.length > 1 ? 2 : 1)).join(', ');
    const type = ctx.ref('net/http', 'Server');
    const line = statementLine(ctx.text, call);
    const st = line && hoistable(call, line.stmt) ? line : null;
    if (st) {
      const srv = freshName(ctx.file, call, ['srv', 'server', 'httpServer']);
      const width = Math.max(...fields.map(([k]) => k.length));
      const body = fields.map(([k, v]) => `${st.indent}\t${k}:${' '.repeat(width - k.length + 1)}${v},`).join('\n');
      fixes.push({
        title: `Use an http.Server with ${tf.key}: ${tf.value.text}`,
        preferred: true,
        edits: withImports(
          ctx,
          [
            { start: st.stmt.startIndex, end: st.stmt.startIndex, newText: `${srv} := &${type}{\n${body}\n${st.indent}}\n${st.indent}` },
            { start: call.startIndex, end: call.endIndex, newText: `${srv}.${h.method}(${margs})` },
          ],
          tf.value.imports,
        ),
      });
    } else {
      const lit = fields.map(([k, v]) => `${k}: ${v}`).join(', ');
      fixes.push({
        title: `Use an http.Server with ${tf.key}: ${tf.value.text}`,
        preferred: true,
        edits: withImports(
          ctx,
          [{ start: call.startIndex, end: call.endIndex, newText: `(&${type}{${lit}}).${h.method}(${margs})` }],
          tf.value.imports,
        ),
      });
    }
  }
  ctx.report(call, { id: 'helper', args: { name, key: tf.key } }, fixes);
}

const SERVE_METHODS = new Set(['ListenAndServe', 'ListenAndServeTLS', 'Serve', 'ServeTLS']);

function checkServer(ctx: RuleContext, node: SyntaxNode, form: 'literal' | 'zero'): void {
  let holder: Holder;
  let id = 'server';
  let other = '';
  if (form === 'literal') {
    const { keys, unkeyed } = literalKeys(node);
    if (unkeyed || keys.has('ReadHeaderTimeout') || keys.has('ReadTimeout')) return;
    const others = ['IdleTimeout', 'WriteTimeout'].filter((k) => keys.has(k));
    if (others.length) [id, other] = others.length === 1 ? ['server-one', others[0]] : ['server-both', ''];
    holder = holderOf(ctx.file, node);
  } else {
    const id = node.childForFieldName('name')!;
    const b = ctx.file.binding(id);
    holder = b
      ? { kind: 'local', binding: b }
      : ctx.pkg.globals.get(id.text)?.binding.decl.id === id.id
        ? { kind: 'global', name: id.text }
        : { kind: 'other' };
  }
  if (timeoutAssigned(ctx, holder)) return;
  if (form === 'zero') {
    // A zero Server is only worth a finding when we see it serve.
    const uses = holderUses(ctx.file, holder);
    if (!uses.some((u) => SERVE_METHODS.has(methodCallOn(u)?.name ?? ''))) return;
  }
  const tf = timeoutField(ctx);
  const fixes: Fix[] = [];
  const title = `Set ${tf.key}: ${tf.value.text}`;
  if (form === 'literal') {
    const e = addFieldEdit(ctx.text, node, tf.key, tf.value.text);
    if (e) fixes.push({ title, preferred: true, edits: withImports(ctx, [e], tf.value.imports) });
  } else {
    const decl = node.parent;
    const id = node.childForFieldName('name')!;
    if (decl?.type === 'var_declaration' && named(decl).length === 1 && !node.text.includes('\n')) {
      const typeText = node.childForFieldName('type')!.text;
      const value = `${typeText}{${tf.key}: ${tf.value.text}}`;
      const newText = holder.kind === 'local' ? `${id.text} := ${value}` : `var ${id.text} = ${value}`;
      fixes.push({
        title,
        preferred: true,
        edits: withImports(ctx, [{ start: decl.startIndex, end: decl.endIndex, newText }], tf.value.imports),
      });
    }
  }
  const at = form === 'zero' ? node.childForFieldName('name')! : node;
  ctx.report(at, { id, args: { key: tf.key, other } }, fixes);
}

/** Is ReadHeaderTimeout/ReadTimeout assigned on this server anywhere in the package (`srv.ReadHeaderTimeout = …`)? */
function timeoutAssigned(ctx: RuleContext, holder: Holder): boolean {
  const isTimeout = (f: string | null) => f === 'ReadHeaderTimeout' || f === 'ReadTimeout';
  let name: string | null = null;
  if (holder.kind === 'local') {
    const uses = holderUses(ctx.file, holder);
    if (uses.some((u) => isTimeout(fieldAssignedOn(u)))) return true;
    // Kept in this function: its uses tell the whole story.
    if (!uses.some((u) => escapes(ctx.file, u))) return false;
  } else if (holder.kind === 'global' || holder.kind === 'field') {
    name = holder.name;
  }
  // Handed out (returned, passed on, stored) or package-wide: an assignment through a path ending in
  // the same name counts (or any at all for values we cannot name).
  for (const f of ctx.pkg.files) {
    if (!f.text.includes('ReadHeaderTimeout') && !f.text.includes('ReadTimeout')) continue;
    for (const s of ofType(f.tree.rootNode, 'selector_expression')) {
      if (!isTimeout(fieldAssignedOn(s.childForFieldName('operand')!))) continue;
      const path = pathText(s.childForFieldName('operand'));
      if (!name || !path || path.split('.').pop() === name) return true;
    }
  }
  return false;
}

export default rule;
