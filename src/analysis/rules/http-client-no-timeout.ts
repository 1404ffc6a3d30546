// HTTP requests sent by a client without Timeout (http.Get & co., http.DefaultClient, an
// http.Client literal without Timeout) and without a deadline on the request's context: a server
// that accepts the connection and never answers, or trickles the body, blocks the caller forever.
import type { Rule, Fix } from '../model';
import type { RuleContext } from '../context';
import type { SyntaxNode } from '../parser';
import { callArgs, literalKeys, named, ofType, unparen } from '../facts/syntax';
import { withImports } from '../fixes/imports';
import { addFieldEdit } from '../fixes/layout';
import { namesInFunction } from '../fixes/names';
import { timeoutValue } from '../fixes/values';
import { fieldAssignedOn, holderOf, holderOfVar, holderUses, methodCallOn, requestState, type Holder } from './_timeouts';

const rule: Rule = {
  meta: {
    id: 'http-client-no-timeout',
    title: 'HTTP request without a timeout',
    severity: 'warning',
    category: 'timeout',
    description:
      'http.Get/Post/Head/PostForm, http.DefaultClient and an http.Client without Timeout never give up: a server that accepts the connection but does not answer, or sends the body slowly, blocks the call (and its goroutine and connection) forever. Use an http.Client with Timeout, or a request context with a deadline.',
    zh: {
      title: 'HTTP 请求没有超时',
      description:
        'http.Get/Post/Head/PostForm、http.DefaultClient 以及未设置 Timeout 的 http.Client 永远不会放弃：服务器接受连接却不响应或缓慢发送响应体时，调用（及其 goroutine 和连接）会一直阻塞。请使用设置了 Timeout 的 http.Client，或带截止时间的请求 context。',
    },
    docs: 'http-client-no-timeout',
    messages: {
      send: {
        en: 'http.{name} uses http.DefaultClient, which has no timeout',
        zh: 'http.{name} 使用没有超时的 http.DefaultClient',
      },
      'default-cannot': {
        en: 'http.DefaultClient has no timeout ({method}, which cannot carry a deadline)',
        zh: 'http.DefaultClient 没有超时（{method} 无法携带截止时间）',
      },
      'default-nodeadline': {
        en: 'http.DefaultClient has no timeout ({method}, with a request that has no deadline)',
        zh: 'http.DefaultClient 没有超时（{method} 发送的请求没有截止时间）',
      },
      kept: {
        en: 'http.DefaultClient (no timeout) is kept in {kept} and sends requests',
        zh: 'http.DefaultClient（没有超时）保存在 {kept} 中并用于发送请求',
      },
      'kept-elsewhere': {
        en: 'http.DefaultClient (no timeout) is kept in {kept}; {callee} sends requests in another file',
        zh: 'http.DefaultClient（没有超时）保存在 {kept} 中；{callee} 在另一个文件中用它发送请求',
      },
      client: {
        en: 'http.Client without Timeout sends requests',
        zh: '没有设置 Timeout 的 http.Client 用于发送请求',
      },
      'client-elsewhere': {
        en: 'http.Client without Timeout sends requests ({callee} in another file)',
        zh: '没有设置 Timeout 的 http.Client 用于发送请求（{callee}，在另一个文件中）',
      },
      'send-cannot': {
        en: '{callee} sends a request that cannot carry a deadline: a silent server blocks it forever',
        zh: '{callee} 发送的请求无法携带截止时间：不响应的服务器会让它永远阻塞',
      },
      'send-nodeadline': {
        en: '{callee} sends a request that has no deadline: a silent server blocks it forever',
        zh: '{callee} 发送的请求没有截止时间：不响应的服务器会让它永远阻塞',
      },
    },
  },
  check(ctx) {
    if (ctx.file.isTest) return;
    // Every case names package net/http in this file (http.Get, http.DefaultClient, http.Client{}).
    if (!ctx.file.imports.has('net/http')) return;
    for (const lit of ofType(ctx.tree.rootNode, 'composite_literal')) {
      if (ctx.file.typeKind(lit.childForFieldName('type')) === 'net/http.Client') checkClient(ctx, lit, 'literal');
    }
    for (const call of ofType(ctx.tree.rootNode, 'call_expression')) {
      checkCall(ctx, call);
      const fn = unparen(call.childForFieldName('function'));
      if (fn?.type === 'identifier' && fn.text === 'new' && !ctx.file.binding(fn)) {
        const arg = named(call.childForFieldName('arguments'))[0];
        if (arg && ctx.file.typeKind(arg) === 'net/http.Client') checkClient(ctx, call, 'new');
      }
    }
    for (const spec of ofType(ctx.tree.rootNode, 'var_spec')) {
      if (spec.childForFieldName('value') || ctx.file.typeKind(spec.childForFieldName('type')) !== 'net/http.Client') continue;
      if (spec.childrenForFieldName('name').filter((x) => !!x).length === 1) checkClient(ctx, spec, 'zero');
    }
    // http.DefaultClient kept in a variable or a field and sent with later: reported where it is kept.
    if (ctx.text.includes('DefaultClient')) {
      for (const sel of ofType(ctx.tree.rootNode, 'selector_expression')) {
        if (ctx.file.qualified(sel) !== 'net/http.DefaultClient' || methodCallOn(sel)) continue;
        checkClient(ctx, sel, 'default');
      }
    }
  },
};

const SEND = new Set(['Get', 'Post', 'Head', 'PostForm']);

/** Why a send through some client has no deadline (a phrase following the method), or null when it may have one. */
function untimedSend(ctx: RuleContext, method: string, call: SyntaxNode): 'cannot' | 'nodeadline' | null {
  // The arity of *http.Client's methods: a Get(ctx, key) of some other client is not one.
  const n = callArgs(call).length;
  if (SEND.has(method)) return n === ARITY[method] ? 'cannot' : null;
  if (method === 'Do' && n === 1 && requestState(ctx.file, callArgs(call)[0]) === 'none') return 'nodeadline';
  return null;
}

const ARITY: Record<string, number> = { Get: 1, Head: 1, Post: 3, PostForm: 2 };

/** A package-level client with a Timeout this package already has (`var httpClient = &http.Client{Timeout: …}`). */
function timedGlobalClient(ctx: RuleContext, at: SyntaxNode): string | null {
  const used = namesInFunction(at);
  for (const [name, g] of ctx.pkg.globals) {
    const v = g.binding.value?.expr;
    if (!v || g.binding.value!.count !== 1 || used.has(name)) continue;
    let lit = unparen(v);
    if (lit?.type === 'unary_expression' && lit.child(0)?.text === '&') lit = unparen(lit.childForFieldName('operand'));
    if (lit?.type !== 'composite_literal' || g.file.typeKind(lit.childForFieldName('type')) !== 'net/http.Client') continue;
    if (literalKeys(lit).keys.has('Timeout') && unparen(v)?.type === 'unary_expression') return name;
  }
  return null;
}

/** Fixes that send through a client with a Timeout: a new one (preferred), or the package's own timed client. */
function clientFixes(
  ctx: RuleContext,
  at: SyntaxNode,
  what: string,
  edit: (client: string) => { start: number; end: number; newText: string },
): Fix[] {
  const t = timeoutValue(ctx, ctx.fix.httpClientTimeout);
  const inline = `(&${ctx.ref('net/http', 'Client')}{Timeout: ${t.text}})`;
  const fixes: Fix[] = [{ title: `Send ${what} with ${inline}`, preferred: true, edits: withImports(ctx, [edit(inline)], t.imports) }];
  // Reusing the package's timed client is an option, not the default: its Timeout was chosen for its own calls.
  const g = timedGlobalClient(ctx, at);
  if (g) fixes.push({ title: `Send ${what} with ${g} (this package's client with a Timeout)`, edits: [edit(g)] });
  return fixes;
}

function checkCall(ctx: RuleContext, call: SyntaxNode): void {
  const fn = unparen(call.childForFieldName('function'));
  if (!fn) return;
  const q = ctx.file.qualified(fn);
  if (q && q.startsWith('net/http.') && SEND.has(q.slice('net/http.'.length))) {
    const name = q.slice('net/http.'.length);
    const fixes = clientFixes(ctx, call, 'it', (c) => ({ start: fn.startIndex, end: fn.endIndex, newText: `${c}.${name}` }));
    ctx.report(call, { id: 'send', args: { name } }, fixes);
    return;
  }
  if (fn.type !== 'selector_expression') return;
  const recv = fn.childForFieldName('operand');
  if (ctx.file.qualified(recv) !== 'net/http.DefaultClient' || !recv) return;
  const method = fn.childForFieldName('field')?.text ?? '';
  const why = untimedSend(ctx, method, call);
  if (!why) return;
  const fixes = clientFixes(ctx, call, 'it', (c) => ({ start: recv.startIndex, end: recv.endIndex, newText: c }));
  ctx.report(call, { id: `default-${why}`, args: { method } }, fixes);
}

/** Does the client's Transport bound the wait for the response (ResponseHeaderTimeout)? Unknown transports count as yes. */
function transportBounded(ctx: RuleContext, tr: SyntaxNode): boolean {
  const v = unparen(tr);
  if (!v) return true;
  if (ctx.file.qualified(v) === 'net/http.DefaultTransport') return false;
  let lit: SyntaxNode | null = v;
  let holder: Holder | null = null;
  if (v.type === 'identifier') {
    const b = ctx.file.binding(v);
    const value = b ? b.value : ctx.pkg.globals.get(v.text)?.binding.value;
    if (!value || value.count !== 1) return true;
    lit = unparen(value.expr);
    holder = b ? { kind: 'local', binding: b } : { kind: 'global', name: v.text };
  }
  if (lit?.type === 'unary_expression' && lit.child(0)?.text === '&') lit = unparen(lit.childForFieldName('operand'));
  if (lit?.type !== 'composite_literal' || ctx.file.typeKind(lit.childForFieldName('type')) !== 'net/http.Transport') return true;
  const { keys, unkeyed } = literalKeys(lit);
  if (unkeyed || keys.has('ResponseHeaderTimeout')) return true;
  if (holder && holderUses(ctx.file, holder).some((u) => fieldAssignedOn(u) === 'ResponseHeaderTimeout')) return true;
  return false;
}

function checkClient(ctx: RuleContext, node: SyntaxNode, form: 'literal' | 'new' | 'zero' | 'default'): void {
  let holder: Holder;
  // `*http.DefaultClient` copies the value; `&http.DefaultClient` is a pointer to the variable.
  const deref = form === 'default' && node.parent?.type === 'unary_expression' && node.parent.child(0)?.text === '*';
  if (form === 'default') {
    if (node.parent?.type === 'unary_expression' && !deref) return;
    holder = holderOf(ctx.file, deref ? node.parent! : node);
    // Kept somewhere we follow; `f(http.DefaultClient)` is the callee's business.
    if (holder.kind === 'inline' || holder.kind === 'other') return;
  } else if (form === 'literal') {
    const { keys, unkeyed } = literalKeys(node);
    if (unkeyed || keys.has('Timeout')) return;
    const tr = keys.get('Transport');
    if (tr && transportBounded(ctx, tr)) return;
    holder = holderOf(ctx.file, node);
  } else if (form === 'new') {
    holder = holderOf(ctx.file, node);
  } else {
    holder = holderOfVar(ctx.file, node.childForFieldName('name')!);
  }
  if (holder.kind === 'other') return;
  const uses = holderUses(ctx.file, holder);
  if (uses.some((u) => ['Timeout', 'Transport'].includes(fieldAssignedOn(u) ?? ''))) return;
  let evidence: { method: string; why: 'cannot' | 'nodeadline'; call: SyntaxNode } | null = null;
  for (const u of uses) {
    const m = methodCallOn(u);
    if (!m) continue;
    const why = untimedSend(ctx, m.name, m.call);
    if (why) {
      evidence = { method: m.name, why, call: m.call };
      break;
    }
  }
  if (!evidence) return;

  const t = timeoutValue(ctx, ctx.fix.httpClientTimeout);
  const fixes: Fix[] = [];
  const title = `Set Timeout: ${t.text} on the http.Client`;
  if (form === 'literal') {
    const e = addFieldEdit(ctx.text, node, 'Timeout', t.text);
    if (e) fixes.push({ title, preferred: true, edits: withImports(ctx, [e], t.imports) });
  } else if (form === 'default') {
    const lit = `${ctx.ref('net/http', 'Client')}{Timeout: ${t.text}}`;
    const at = deref ? node.parent! : node;
    fixes.push({
      title: `Keep an http.Client with Timeout: ${t.text} instead`,
      preferred: true,
      edits: withImports(ctx, [{ start: at.startIndex, end: at.endIndex, newText: deref ? lit : `&${lit}` }], t.imports),
    });
  } else if (form === 'new') {
    const arg = named(node.childForFieldName('arguments'))[0];
    fixes.push({
      title,
      preferred: true,
      edits: withImports(ctx, [{ start: node.startIndex, end: node.endIndex, newText: `&${arg.text}{Timeout: ${t.text}}` }], t.imports),
    });
  } else {
    const decl = node.parent;
    const id = node.childForFieldName('name')!;
    if (decl?.type === 'var_declaration' && named(decl).length === 1 && !node.text.includes('\n')) {
      const typeText = node.childForFieldName('type')!.text;
      const newText =
        holder.kind === 'local' ? `${id.text} := ${typeText}{Timeout: ${t.text}}` : `var ${id.text} = ${typeText}{Timeout: ${t.text}}`;
      fixes.push({ title, preferred: true, edits: withImports(ctx, [{ start: decl.startIndex, end: decl.endIndex, newText }], t.imports) });
    }
  }
  const at = form === 'zero' ? node.childForFieldName('name')! : node;
  const sameFile = evidence.call.tree.rootNode.id === ctx.tree.rootNode.id;
  const callee = evidence.call.childForFieldName('function')?.text ?? evidence.method;
  // The send is in the same file: it is where the detail goes.
  const related = sameFile ? [{ at: evidence.call, id: `send-${evidence.why}`, args: { callee } }] : [];
  if (form === 'default') {
    const kept =
      holder.kind === 'field'
        ? `${holder.owner ? `${holder.owner.slice('local.'.length)}.` : ''}${holder.name}`
        : holder.kind === 'local'
          ? holder.binding.name
          : holder.kind === 'global'
            ? holder.name
            : 'a variable';
    ctx.report(at, { id: sameFile ? 'kept' : 'kept-elsewhere', args: { kept, callee } }, fixes, { related });
    return;
  }
  ctx.report(at, { id: sameFile ? 'client' : 'client-elsewhere', args: { callee } }, fixes, { related });
}

export default rule;
