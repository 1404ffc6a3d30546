// A TCP dial without a timeout: net.Dial, tls.Dial, a net.Dialer without Timeout/Deadline used to
// Dial, or DialContext with a context that has no deadline. Connecting to a host that drops SYNs
// then blocks until the kernel gives up (about 127 s on Linux with tcp_syn_retries=6).
import type { Rule, Fix } from '../model';
import type { RuleContext } from '../context';
import type { SyntaxNode } from '../parser';
import { callArgs, literalKeys, named, ofType, unparen, valueNode } from '../facts/syntax';
import { withImports } from '../fixes/imports';
import { addFieldEdit } from '../fixes/layout';
import { timeoutValue } from '../fixes/values';
import {
  ctxState,
  escapes,
  fieldAssignedOn,
  holderOf,
  holderOfVar,
  holderUses,
  isLoopbackAddr,
  methodCallOn,
  stringValue,
  type Holder,
} from './_timeouts';

const rule: Rule = {
  meta: {
    id: 'dial-no-timeout',
    title: 'TCP dial without a timeout',
    severity: 'warning',
    category: 'timeout',
    description:
      'net.Dial, tls.Dial and a net.Dialer without Timeout have no connect timeout: dialing a host that drops packets blocks until the operating system gives up (about 127 s on Linux, longer elsewhere). Use net.DialTimeout, a net.Dialer with Timeout, or DialContext with a context that has a deadline.',
    zh: {
      title: 'TCP 拨号没有超时',
      description:
        'net.Dial、tls.Dial 以及未设置 Timeout 的 net.Dialer 没有连接超时：拨向丢弃数据包的主机时会一直阻塞，直到操作系统放弃（Linux 上约 127 秒，其他系统更久）。请使用 net.DialTimeout、设置了 Timeout 的 net.Dialer，或带截止时间的 context 调用 DialContext。',
    },
    docs: 'dial-no-timeout',
    messages: {
      dial: {
        en: 'net.Dial has no connect timeout: a host that drops SYNs blocks it for about 127 s on Linux',
        zh: 'net.Dial 没有连接超时：丢弃 SYN 的主机会让它阻塞约 127 秒（Linux）',
      },
      'tls-loopback': {
        en: 'tls.Dial has no timeout for the TLS handshake: a server that accepts but never answers hangs it',
        zh: 'tls.Dial 没有 TLS 握手超时：接受连接但从不应答的服务器会让它永远挂起',
      },
      tls: {
        en: 'tls.Dial has no timeout for the TCP connect or the TLS handshake',
        zh: 'tls.Dial 的 TCP 连接和 TLS 握手都没有超时',
      },
      dialer: {
        en: 'net.Dialer without Timeout used in {how}: no connect timeout',
        zh: '在 {how} 中使用了没有 Timeout 的 net.Dialer：没有连接超时',
      },
      ssh: {
        en: 'ssh.ClientConfig without Timeout used in ssh.Dial: the TCP connect has no timeout',
        zh: '在 ssh.Dial 中使用了没有 Timeout 的 ssh.ClientConfig：TCP 连接没有超时',
      },
      'dialer-loopback': {
        en: 'net.Dialer without Timeout used in {how} to a loopback address: no handshake timeout',
        zh: '在连接回环地址的 {how} 中使用了没有 Timeout 的 net.Dialer：没有握手超时',
      },
    },
  },
  check(ctx) {
    if (ctx.file.isTest) return;
    // Every case names package net, crypto/tls or x/crypto/ssh (net.Dial, tls.Dial, net.Dialer, ssh.ClientConfig).
    if (!['net', 'crypto/tls', SSH_PKG].some((p) => ctx.file.imports.has(p))) return;
    for (const call of ofType(ctx.tree.rootNode, 'call_expression')) checkCall(ctx, call);
    for (const lit of ofType(ctx.tree.rootNode, 'composite_literal')) {
      const k = ctx.file.typeKind(lit.childForFieldName('type'));
      if (k === 'net.Dialer') checkDialer(ctx, lit, 'literal');
      else if (k === SSH_CONFIG) checkSSHConfig(ctx, lit);
    }
    for (const spec of ofType(ctx.tree.rootNode, 'var_spec')) {
      if (spec.childForFieldName('value') || ctx.file.typeKind(spec.childForFieldName('type')) !== 'net.Dialer') continue;
      const names = spec.childrenForFieldName('name').filter((x): x is SyntaxNode => !!x);
      if (names.length === 1) checkDialer(ctx, spec, 'zero');
    }
  },
};

/** Only TCP dials can hang in connect: "unix" fails fast, "udp" does no network I/O on Dial. */
function isTCP(network: SyntaxNode | undefined): boolean {
  const s = stringValue(network);
  return s !== null && /^tcp[46]?$/.test(s);
}

/** A TCP dial to an address that is not a literal loopback one. */
function remoteTCP(network: SyntaxNode | undefined, addr: SyntaxNode | undefined): boolean {
  return isTCP(network) && !isLoopbackAddr(addr);
}

const TLS_DIAL = new Set(['crypto/tls.DialWithDialer']);

/**
 * Suffix untimedDial gives a TLS dial to a loopback address. A loopback connect is answered at once,
 * but tls.Dial then waits for the server's handshake messages with no deadline (crypto/tls dial():
 * only Dialer.Timeout/Deadline bound HandshakeContext). Elsewhere, a connect to a host that drops
 * SYNs also waits until the OS gives up (about 127 s on Linux with tcp_syn_retries=6).
 */
const LOOPBACK = ' to a loopback address';

function checkCall(ctx: RuleContext, call: SyntaxNode): void {
  const fn = unparen(call.childForFieldName('function'));
  const q = ctx.file.qualified(fn);
  if (q === 'net.Dial') {
    const args = callArgs(call);
    if (args.length !== 2 || !remoteTCP(args[0], args[1])) return;
    // A new third argument of a call with several arguments: gofmt prints it at depth 2.
    const t = timeoutValue(ctx, ctx.fix.dialTimeout, 2);
    const fixes: Fix[] = [];
    const nameNode = fn?.type === 'selector_expression' ? fn.childForFieldName('field') : fn;
    if (nameNode) {
      fixes.push({
        title: `Use net.DialTimeout(…, ${timeoutValue(ctx, ctx.fix.dialTimeout).text})`,
        preferred: true,
        edits: withImports(
          ctx,
          [
            { start: nameNode.startIndex, end: nameNode.endIndex, newText: 'DialTimeout' },
            { start: args[1].endIndex, end: args[1].endIndex, newText: `, ${t.text}` },
          ],
          t.imports,
        ),
      });
    }
    ctx.report(call, { id: 'dial' }, fixes);
    return;
  }
  if (q === 'crypto/tls.Dial') {
    const args = callArgs(call);
    // Loopback too: the connect is answered at once, the handshake is not (see tlsHang).
    if (args.length !== 3 || !isTCP(args[0])) return;
    const t = timeoutValue(ctx, ctx.fix.dialTimeout);
    const fixes: Fix[] = [];
    const nameNode = fn?.type === 'selector_expression' ? fn.childForFieldName('field') : fn;
    if (nameNode) {
      fixes.push({
        title: `Use tls.DialWithDialer(&net.Dialer{Timeout: ${t.text}}, …)`,
        preferred: true,
        edits: withImports(
          ctx,
          [
            { start: nameNode.startIndex, end: nameNode.endIndex, newText: 'DialWithDialer' },
            { start: args[0].startIndex, end: args[0].startIndex, newText: `&${ctx.ref('net', 'Dialer')}{Timeout: ${t.text}}, ` },
          ],
          ['net', ...t.imports],
        ),
      });
    }
    ctx.report(call, { id: isLoopbackAddr(args[1]) ? 'tls-loopback' : 'tls' }, fixes);
  }
}

/** How a dialer value is used to connect: `Dial`, `DialContext` without a deadline, or tls.DialWithDialer. */
function untimedDial(ctx: RuleContext, use: SyntaxNode): string | null {
  const m = methodCallOn(use);
  if (m) {
    if (m.name === 'Dial') return remoteTCP(callArgs(m.call)[0], callArgs(m.call)[1]) ? 'Dial' : null;
    if (m.name === 'DialContext') {
      const args = callArgs(m.call);
      if (ctxState(ctx.file, args[0]) !== 'none') return null;
      if (!remoteTCP(args[1], args[2])) return null;
      return `DialContext(${unparen(args[0])?.text ?? 'ctx'}, …)`;
    }
    return null;
  }
  // tls.DialWithDialer(d, …) / tls.DialWithDialer(&d, …)
  const n = valueNode(use);
  const list = n.parent;
  if (list?.type !== 'argument_list' || named(list)[0]?.id !== n.id) return null;
  const call = list.parent;
  if (call?.type === 'call_expression' && ctx.file.qualified(call.childForFieldName('function')) === 'crypto/tls.DialWithDialer') {
    // The handshake is bounded by the dialer's Timeout only, loopback or not.
    return isTCP(callArgs(call)[1]) ? (isLoopbackAddr(callArgs(call)[2]) ? `tls.DialWithDialer${LOOPBACK}` : 'tls.DialWithDialer') : null;
  }
  return null;
}

const SSH_PKG = 'golang.org/x/crypto/ssh';
const SSH_CONFIG = `${SSH_PKG}.ClientConfig`;

/**
 * `ssh.Dial("tcp", addr, &ssh.ClientConfig{…})` without Timeout: x/crypto/ssh's Dial is
 * `net.DialTimeout(network, addr, config.Timeout)` then the handshake, and "A Timeout of zero means
 * no timeout" (x/crypto v0.59.0 ssh/client.go). Reported at the literal, like a net.Dialer.
 */
function checkSSHConfig(ctx: RuleContext, lit: SyntaxNode): void {
  const { keys, unkeyed } = literalKeys(lit);
  if (unkeyed || keys.has('Timeout')) return;
  const holder = holderOf(ctx.file, lit);
  if (holder.kind === 'other' || holder.kind === 'field') return;
  const uses = holderUses(ctx.file, holder);
  if (uses.some((u) => fieldAssignedOn(u) === 'Timeout')) return;
  // Handed to code we do not follow, which may set the Timeout.
  if (holder.kind !== 'inline' && uses.some((u) => escapes(ctx.file, u, SSH_DIAL))) return;
  const dial = uses.map((u) => sshDialOf(ctx, u)).find((x) => x);
  if (!dial) return;
  const t = timeoutValue(ctx, ctx.fix.dialTimeout);
  const e = addFieldEdit(ctx.text, lit, 'Timeout', t.text);
  const fixes: Fix[] = e
    ? [{ title: `Set Timeout: ${t.text} on the ssh.ClientConfig`, preferred: true, edits: withImports(ctx, [e], t.imports) }]
    : [];
  // Timeout bounds the connect; the SSH handshake after it is bounded only by a deadline on the connection.
  ctx.report(lit, { id: 'ssh' }, fixes);
}

const SSH_DIAL = new Set([`${SSH_PKG}.Dial`]);

/** For a use of a config: the `ssh.Dial(network, addr, cfg)` it is the config of, when it dials TCP to a remote address. */
function sshDialOf(ctx: RuleContext, use: SyntaxNode): SyntaxNode | null {
  const v = valueNode(use);
  const call = v.parent?.type === 'argument_list' ? v.parent.parent : null;
  if (call?.type !== 'call_expression' || !SSH_DIAL.has(ctx.file.qualified(call.childForFieldName('function')) ?? '')) return null;
  const args = callArgs(call);
  return args.length === 3 && args[2].id === v.id && remoteTCP(args[0], args[1]) ? call : null;
}

function checkDialer(ctx: RuleContext, node: SyntaxNode, form: 'literal' | 'zero'): void {
  let holder: Holder;
  if (form === 'literal') {
    const { keys, unkeyed } = literalKeys(node);
    if (unkeyed || keys.has('Timeout') || keys.has('Deadline')) return;
    holder = holderOf(ctx.file, node);
  } else {
    holder = holderOfVar(ctx.file, node.childForFieldName('name')!);
  }
  if (holder.kind === 'other' || holder.kind === 'field') return;
  const uses = holderUses(ctx.file, holder);
  if (uses.some((u) => ['Timeout', 'Deadline'].includes(fieldAssignedOn(u) ?? ''))) return;
  // A pointer to the dialer handed to an unknown function may get its Timeout set there.
  if (holder.kind !== 'inline' && uses.some((u) => escapes(ctx.file, u, TLS_DIAL))) return;
  const how = uses.map((u) => untimedDial(ctx, u)).find((x) => x);
  if (!how) return;

  const t = timeoutValue(ctx, ctx.fix.dialTimeout);
  const fixes: Fix[] = [];
  if (form === 'literal') {
    const e = addFieldEdit(ctx.text, node, 'Timeout', t.text);
    if (e) fixes.push({ title: `Set Timeout: ${t.text} on the net.Dialer`, preferred: true, edits: withImports(ctx, [e], t.imports) });
  } else {
    const decl = node.parent;
    const id = node.childForFieldName('name')!;
    const inFunc = holder.kind === 'local';
    if (decl?.type === 'var_declaration' && named(decl).length === 1 && !node.text.includes('\n')) {
      const typeText = node.childForFieldName('type')!.text;
      const newText = inFunc ? `${id.text} := ${typeText}{Timeout: ${t.text}}` : `var ${id.text} = ${typeText}{Timeout: ${t.text}}`;
      fixes.push({
        title: `Set Timeout: ${t.text} on the net.Dialer`,
        preferred: true,
        edits: withImports(ctx, [{ start: decl.startIndex, end: decl.endIndex, newText }], t.imports),
      });
    }
  }
  const at = form === 'literal' ? node : node.childForFieldName('name')!;
  const loopback = how.endsWith(LOOPBACK);
  ctx.report(at, { id: loopback ? 'dialer-loopback' : 'dialer', args: { how: loopback ? how.slice(0, -LOOPBACK.length) : how } }, fixes);
}

export default rule;
