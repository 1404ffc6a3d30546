// A server-side connection (accepted, a net.Conn parameter, or a struct field that holds accepted
// connections) read in an open-ended loop with no read deadline: a peer that stays connected and
// sends nothing parks the goroutine forever.
import type { Fix, Rule } from '../model';
import type { RuleContext } from '../context';
import type { MessageRef } from '../messages';
import type { SyntaxNode, SyntaxTree } from '../parser';
import type { Binding } from '../facts/scope';
import type { FileFacts } from '../facts/package';
import { outerFunction } from '../facts/scope';
import {
  callArgs,
  descendantsNoFunc,
  enclosingFunction,
  errNotNil,
  indentAt,
  lineEnd,
  lineStart,
  named,
  ofType,
  resultTypes,
  statementsOf,
  unparen,
} from '../facts/syntax';
import { statementLine } from '../fixes/layout';
import { errorReturn, timeoutValue } from '../fixes/values';
import { ctxState } from './_timeouts';
import { isStreamConn } from '../facts/kinds';
import { callsIn, enclosingLoops, isMessageLoop, isOpenEndedLoop, jumpTargets, loopBody, loopCondition } from '../facts/loops';
import {
  closedConcurrently,
  connFieldOf,
  fieldOrigin,
  helperCallRead,
  helperSetsDeadline,
  originOf,
  packageHasDeadlineWrapper,
  paramVerdict,
  passesToUnknown,
  setsDeadlineIn,
  structManaged,
} from '../facts/origins';
import { bindingKey, type Chain, chainOf, connRead, deadlineCall, fieldRef, type FieldRef, intersects } from '../facts/reads';

const rule: Rule = {
  meta: {
    id: 'read-no-deadline',
    title: 'Connection read in a loop without a read deadline',
    severity: 'warning',
    category: 'deadline',
    description:
      'A server reads a connection in a loop and never sets a read deadline: a client that stays connected but sends nothing (or sends one byte a minute) keeps the goroutine, the socket and its buffers forever — TCP keep-alive only detects peers that are gone. Call SetReadDeadline(time.Now().Add(d)) at the top of each iteration.',
    zh: {
      title: '循环读取连接但没有设置读超时',
      description:
        '服务器在循环中读取连接却从不设置读截止时间：客户端保持连接但不发送数据（或每分钟只发一个字节）时，goroutine、socket 及其缓冲区会被永远占用——TCP keep-alive 只能发现已经消失的对端。应在每次迭代开始时调用 SetReadDeadline(time.Now().Add(d))。',
    },
    docs: 'read-no-deadline',
    messages: {
      'loop-accepted': {
        en: 'accepted connection {name} is read in a loop with no read deadline',
        zh: '已接受的连接 {name} 在循环中读取，但没有读截止时间',
      },
      'loop-param': {
        en: 'connection parameter {name} (accepted in {fn}) is read in a loop with no deadline',
        zh: '连接参数 {name}（在 {fn} 中接受）在循环中读取，但没有截止时间',
      },
      'loop-param-any': {
        en: 'connection parameter {name} is read in a loop with no read deadline',
        zh: '连接参数 {name} 在循环中读取，但没有读截止时间',
      },
      'loop-field': {
        en: '{name} (accepted in {fn}, kept in {field}) is read in a loop with no deadline',
        zh: '{name}（在 {fn} 中接受，保存在 {field} 中）在循环中读取，但没有截止时间',
      },
      'loop-field-any': {
        en: '{name} (an accepted connection kept in {field}) is read in a loop with no deadline',
        zh: '{name}（保存在 {field} 中的已接受连接）在循环中读取，但没有截止时间',
      },
      handshake: {
        en: 'TLS handshake on accepted connection {name} with no deadline',
        zh: '已接受的连接 {name} 上的 TLS 握手没有截止时间',
      },
      'once-accepted': {
        en: 'accepted connection {name} is read once (a greeting or handshake) with no deadline',
        zh: '已接受的连接 {name} 被读取一次（问候或握手），但没有截止时间',
      },
      'once-param': {
        en: 'connection parameter {name} (accepted in {fn}) is read once with no deadline',
        zh: '连接参数 {name}（在 {fn} 中接受）被读取一次，但没有截止时间',
      },
      'accept-loop': {
        en: 'the Accept loop waits for that read: no other connection is accepted meanwhile',
        zh: 'Accept 循环会等待这次读取：在此期间不会接受其他连接',
      },
    },
  },
  check(ctx) {
    const text = ctx.text;
    // Tests provoke timeouts on purpose and run under `go test -timeout`: stay quiet there.
    if (ctx.file.isTest) return;
    if (!/Read|Scan|Decode|Token|More/.test(text)) return;
    const done = new Set<number>();
    // Loops nest within one function, so a call anywhere in an enclosing loop is a call in the
    // outermost one: asking the outermost (once) answers for all, instead of walking each level.
    const refreshes = new Map<number, boolean>();
    for (const call of ofType(ctx.tree.rootNode, 'call_expression')) {
      const loops = enclosingLoops(call);
      if (!loops.length) continue;
      const open = loops.filter(isOpenEndedLoop);
      if (!open.length) continue;
      // A read here, or a call to a same-package helper that reads (`readCommand(r)`, `c.readLine()`).
      let chain: Chain;
      let field: FieldRef | null = null;
      const cr = connRead(ctx.file, call, { fields: true });
      if (cr) {
        if (cr.read.copy) continue;
        chain = cr.chain;
      } else {
        const hr = helperCallRead(ctx.file, call);
        if (!hr) continue;
        ({ chain, field } = hr);
      }
      const outermost = loops[loops.length - 1];
      if (done.has(outermost.id)) continue;
      // A deadline (or a helper that sets one) anywhere in an enclosing loop refreshes it per iteration.
      let refreshed = refreshes.get(outermost.id);
      if (refreshed === undefined) refreshes.set(outermost.id, (refreshed = loopRefreshesDeadline(ctx, outermost)));
      if (refreshed) {
        done.add(outermost.id);
        continue;
      }
      const src = sourceOf(ctx, chain, field);
      if (!src) continue;
      // The connection to set the deadline on must be visible at the top of the loop.
      const top = open[0];
      if (src.kind !== 'field') src.connExpr = chain.conns.find((b) => b.isParam || b.decl.startIndex < top.startIndex)?.name ?? null;
      else if (src.connExpr && src.operand) {
        const b = src.operand.type === 'identifier' ? ctx.file.binding(src.operand) : null;
        if (b && !b.isParam && b.decl.startIndex > top.startIndex) src.connExpr = null;
      }
      const outerFn = outerFunction(call);
      const fn = enclosingFunction(call);
      if (!outerFn || !fn) continue;
      // Some deadline on this connection elsewhere in the function (once before the loop is
      // deadline-outside-loop's finding; an explicit clear is a decision), or a goroutine/callback
      // that closes it on cancel: the read is bounded, or the author decided.
      if (setsDeadlineIn(ctx.file, outerFn, chain.keys, null)) continue;
      if (closedConcurrently(ctx.file, outerFn, chain.keys, call)) continue;
      // Handed to code we cannot see inside the loop (another package, an interface): it may set deadlines.
      if (callsIn(outermost).some((c) => passesToUnknown(ctx.file, c, chain.keys))) continue;
      // A wrapper type in this package whose Read sets deadlines may be what this net.Conn holds.
      if ((src.kind === 'field' || chain.rootKind === 'net.Conn') && packageHasDeadlineWrapper(ctx.file)) continue;
      // A function that reads one message and returns it (or breaks out when it is complete) leaves
      // the deadline to its caller when we cannot see the callers.
      const messageLoop = isMessageLoop(open[0], fn);
      const messageReader = resultTypes(fn).some((t) => t.text !== 'error') || messageLoop;
      if (src.kind === 'param') {
        const v = paramVerdict(ctx.file, src.binding!);
        if (v.managed || v.allDialed) continue;
        // With callers in the package, a message reader is reported at the caller's loop instead.
        if (v.sites === 0 ? messageReader : messageLoop) continue;
        src.acceptedIn = v.acceptedIn;
      }
      if (src.kind === 'field' && messageReader) continue;
      done.add(outermost.id);
      // A client that stays connected but sends nothing blocks the read forever (TCP keep-alive only
      // notices peers that are gone): set a read deadline at the top of each iteration.
      ctx.report(call, describe(src), src.connExpr ? fixes(ctx, open[0], src.connExpr, call, fn) : []);
    }
    checkSingleReads(ctx, new Set(ctx.findings.map((f) => f.startOffset)));
  },
};

/**
 * One read (a greeting, a request line, a length prefix) or a TLS server handshake on an accepted
 * connection, with no deadline anywhere: a client that connects and sends nothing holds the
 * goroutine and the socket forever. Reported once per connection and function, only when nothing
 * in the function (or a caller) could bound the read: no deadline on the connection, no watchdog
 * closing it, no hand-off to code we cannot see, no read loop of its own (the loop finding covers
 * that), no listener of the package that sets deadlines in Accept.
 */
function checkSingleReads(ctx: RuleContext, reported: Set<number>): void {
  if (!/Read|Scan|Decode|Handshake/.test(ctx.text)) return;
  // Connections are accepted somewhere in the package, and not by a listener of its own that sets deadlines.
  if (!ctx.pkg.files.some(acceptsIn) || packageAcceptSetsDeadline(ctx.file)) return;
  const seen = new Set<string>();
  for (const call of ofType(ctx.tree.rootNode, 'call_expression')) {
    if (reported.has(call.startIndex)) continue;
    let chain: Chain | null = null;
    let handshake = false;
    const hs = serverHandshake(ctx, call);
    if (hs) {
      chain = hs;
      handshake = true;
    } else {
      const cr = connRead(ctx.file, call);
      if (cr && !cr.read.copy) chain = cr.chain;
      else {
        const hr = helperCallRead(ctx.file, call);
        if (hr && !hr.field) chain = hr.chain;
      }
    }
    const root = chain?.root;
    if (!chain || !root || !isStreamConn(chain.rootKind) || sessionLoop(call, root)) continue;
    const outerFn = outerFunction(call);
    const fn = enclosingFunction(call);
    if (!outerFn || !fn) continue;
    const key = `${outerFn.id}:${bindingKey(root)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const o = originOf(ctx.file, root);
    if (o !== 'param' && o !== 'accepted') continue;
    // What the function itself does first: the callers' verdict (a package-wide search) last.
    if (setsDeadlineIn(ctx.file, outerFn, chain.keys, null) || closedConcurrently(ctx.file, outerFn, chain.keys, call)) continue;
    if (ofType(outerFn, 'call_expression').some((c) => passesToUnknown(ctx.file, c, chain.keys))) continue;
    if (chain.rootKind === 'net.Conn' && packageHasDeadlineWrapper(ctx.file)) continue;
    // The session's read loop is the loop finding's (or was judged there); one finding per connection.
    if (readsInLoop(ctx.file, outerFn, chain.keys, root)) continue;
    let acceptedIn: string | null = null;
    if (o === 'param') {
      const v = paramVerdict(ctx.file, root);
      if (!v.acceptedIn || v.managed || v.allDialed) continue;
      acceptedIn = v.acceptedIn;
    }
    // Read inline in the loop that accepts it: every other client waits too.
    const inAcceptLoop = enclosingLoops(call).some(isOpenEndedLoop);
    const acceptLoop = enclosingLoops(call).find(isOpenEndedLoop);
    const related = acceptLoop ? [{ at: acceptLoop.child(0) ?? acceptLoop, id: 'accept-loop' }] : [];
    const recv = handshake ? unparen(unparen(call.childForFieldName('function'))?.childForFieldName('operand')) : null;
    const conn =
      handshake && recv?.type === 'identifier'
        ? recv.text
        : (chain.conns.find((b) => b.isParam || b.decl.startIndex < call.startIndex)?.name ?? null);
    // On a server connection Handshake waits for the client's hello, and a greeting read for the
    // client's first bytes: a client that connects and sends nothing blocks either forever. Set a
    // deadline before it and clear it after (or HandshakeContext with a timeout, Go 1.17).
    const message: MessageRef = handshake
      ? { id: 'handshake', args: { name: recv?.text ?? root.name } }
      : o === 'param'
        ? { id: 'once-param', args: { name: root.name, fn: acceptedIn ?? '' } }
        : { id: 'once-accepted', args: { name: root.name } };
    // In the Accept loop a failed SetDeadline must not end the server: no fix there (the read belongs in a goroutine).
    ctx.report(call, message, conn && !inAcceptLoop ? singleReadFixes(ctx, call, fn, conn, handshake) : [], { related });
  }
}

const ACCEPT_TEXT = /\.Accept(TCP|Unix)?\(\)/;
/** By tree: a sibling's tree (and text) outlives edits of the other files in the language server. */
const accepts = new WeakMap<SyntaxTree, boolean>();

/** Does the file call Accept? Once per file content: the regex over a package costs ~8 ms an edit. */
function acceptsIn(f: FileFacts): boolean {
  let v = accepts.get(f.tree);
  if (v === undefined) accepts.set(f.tree, (v = f.text.includes('.Accept') && ACCEPT_TEXT.test(f.text)));
  return v;
}

/** `tc.Handshake()` / `tc.HandshakeContext(context.Background())` on a server-side *tls.Conn: the chain. */
function serverHandshake(ctx: RuleContext, call: SyntaxNode): Chain | null {
  const fn = unparen(call.childForFieldName('function'));
  const name = fn?.type === 'selector_expression' ? fn.childForFieldName('field')?.text : null;
  const args = callArgs(call);
  if (name === 'Handshake' ? args.length !== 0 : name !== 'HandshakeContext' || args.length !== 1 || ctxState(ctx.file, args[0]) !== 'none')
    return null;
  const recv = fn!.childForFieldName('operand');
  if (ctx.file.kindOf(recv) !== '*crypto/tls.Conn') return null;
  const chain = chainOf(ctx.file, recv);
  // tls.Client over an accepted connection is the client side of a reversed protocol: not ours.
  for (const b of chain.conns) {
    const v = b.value ? unparen(b.value.expr) : null;
    if (v?.type === 'call_expression' && ctx.file.qualified(v.childForFieldName('function')) === 'crypto/tls.Client') return null;
  }
  return chain;
}

/** An open-ended loop around `call` that the connection outlives (not the loop that accepts a new one each time). */
function sessionLoop(call: SyntaxNode, root: Binding): boolean {
  return enclosingLoops(call).some(
    (l) => isOpenEndedLoop(l) && !(l.startIndex <= root.decl.startIndex && root.decl.endIndex <= l.endIndex),
  );
}

/** Does the function read the chain inside a session loop (directly or through a helper)? */
function readsInLoop(file: FileFacts, fn: SyntaxNode, keys: Set<string>, root: Binding): boolean {
  for (const c of ofType(fn, 'call_expression')) {
    if (!sessionLoop(c, root)) continue;
    const cr = connRead(file, c, { anyKind: true }) ?? helperCallRead(file, c);
    if (cr && intersects(cr.chain.keys, keys)) return true;
  }
  return false;
}

/** A listener type of the package whose Accept sets a deadline on what it returns. */
function packageAcceptSetsDeadline(file: FileFacts): boolean {
  const key = 'read-no-deadline:accept-deadline';
  const m = file.pkg.memo.get(key) as boolean | undefined;
  if (m !== undefined) return m;
  let v = false;
  for (const f of file.pkg.funcs.values()) {
    if (f.key === f.name || f.name !== 'Accept' || f.iface) continue;
    if (ofType(f.node, 'call_expression').some((c) => !!deadlineCall(c))) v = true;
  }
  file.pkg.memo.set(key, v);
  return v;
}

/**
 * A deadline before the statement that reads, cleared after it so the rest of the session keeps
 * its behaviour: `SetReadDeadline` for a read, `SetDeadline` for a handshake (it writes too).
 */
function singleReadFixes(ctx: RuleContext, call: SyntaxNode, fn: SyntaxNode, conn: string, handshake: boolean): Fix[] {
  const text = ctx.text;
  const es = statementLine(text, call);
  if (!es || es.stmt.type === 'return_statement' || es.stmt.type === 'go_statement' || es.stmt.type === 'defer_statement') return [];
  const ret = errorReturn(ctx, fn, 'err');
  if (!ret) return [];
  const le = lineEnd(text, es.stmt.endIndex);
  const tail = text.slice(es.stmt.endIndex, le).trim();
  if (tail !== '' && !tail.startsWith('//')) return [];
  const method = handshake ? 'SetDeadline' : 'SetReadDeadline';
  const timeout = timeoutValue(ctx, ctx.fix.readTimeout).text;
  const ind = es.indent;
  const ls = lineStart(text, es.stmt.startIndex);
  const edits = [
    {
      start: ls,
      end: ls,
      newText: `${ind}if err := ${conn}.${method}(${ctx.ref('time', 'Now')}().Add(${timeout})); err != nil {\n${ind}\t${ret}\n${ind}}\n`,
    },
    { start: le, end: le, newText: `\n${ind}${conn}.${method}(${ctx.ref('time', 'Time')}{})` },
  ];
  const imp = ctx.importEdit(['time']);
  if (imp) edits.push(imp);
  const what = handshake ? 'the handshake' : 'this read';
  return [{ title: `Set a deadline (${ctx.fix.readTimeout}) for ${what}, clear it after`, edits, preferred: true }];
}

interface Source {
  kind: 'accepted' | 'param' | 'field';
  /** The conn binding (accepted / param). */
  binding: Binding | null;
  /** What to call SetReadDeadline on at the top of the loop (visible there), or null. */
  connExpr: string | null;
  acceptedIn: string | null;
  /** `client.conn` for field sources. */
  field?: string;
  /** The struct value a field source is read through (`c` in `c.r`). */
  operand?: SyntaxNode;
  name: string;
}

/** Whose connection this is: accepted here, a parameter, or a struct field holding accepted connections. */
function sourceOf(ctx: RuleContext, chain: Chain, override: FieldRef | null): Source | null {
  const root = chain.root;
  if (root && isStreamConn(chain.rootKind)) {
    const o = originOf(ctx.file, root);
    if (o === 'accepted' || o === 'param') {
      return { kind: o, binding: root, connExpr: null, acceptedIn: null, name: root.name };
    }
    if (o !== 'unknown') return null;
  }
  const ref = override ?? (chain.selector ? fieldRef(ctx.file, chain.selector) : null);
  if (!ref || structManaged(ctx.file, ref.struct)) return null;
  const fo = fieldOrigin(ctx.file, ref);
  if (!fo.accepted) return null;
  let connExpr: string | null = null;
  if (ref.operand.type === 'identifier') {
    const t = ctx.pkg.structs.get(ref.struct)?.get(ref.field);
    const f = t && isStreamConn(t.file.typeKind(t.type)) ? ref.field : connFieldOf(ctx.file, ref.struct);
    if (f) connExpr = `${ref.operand.text}.${f}`;
  }
  const name = `${ref.operand.text}.${ref.field}`;
  return {
    kind: 'field',
    binding: null,
    connExpr,
    acceptedIn: fo.acceptedIn,
    field: `${ref.struct}.${ref.field}`,
    operand: ref.operand,
    name,
  };
}

/** The loop finding's headline (the read is at the finding: a helper that reads needs no naming). */
function describe(src: Source): MessageRef {
  const any = src.acceptedIn ? '' : '-any';
  const args = { name: src.name, fn: src.acceptedIn ?? '', field: src.field ?? '' };
  if (src.kind === 'accepted') return { id: 'loop-accepted', args };
  return { id: `loop-${src.kind}${any}`, args };
}

function loopRefreshesDeadline(ctx: RuleContext, loop: SyntaxNode): boolean {
  for (const c of callsIn(loop)) {
    if (deadlineCall(c)) return true;
    if (helperSetsDeadline(ctx.file, c)) return true;
  }
  return false;
}

function fixes(ctx: RuleContext, loop: SyntaxNode, conn: string, read: SyntaxNode, fn: SyntaxNode): Fix[] {
  const body = loopBody(loop);
  if (!body) return [];
  let ret = errorReturn(ctx, fn, 'err');
  let preferred = true;
  if (!ret) {
    ret = mirrorErrorExit(ctx, loop);
    preferred = false;
  }
  if (!ret) return [];
  const text = ctx.text;
  const indent = indentAt(text, loop.startIndex);
  const timeout = timeoutValue(ctx, ctx.fix.readTimeout).text;
  const stmt = (ind: string) =>
    `if err := ${conn}.SetReadDeadline(${ctx.ref('time', 'Now')}().Add(${timeout})); err != nil {\n${ind}\t${ret}\n${ind}}`;
  // After the `{` line (it may end with a comment).
  const rest = text.slice(body.startIndex + 1, lineEnd(text, body.startIndex));
  if (rest.trim() !== '' && !rest.trim().startsWith('//')) return [];
  const at = lineEnd(text, body.startIndex);
  const edits = [{ start: at, end: at, newText: `\n${indent}\t${stmt(`${indent}\t`)}` }];
  // `for sc.Scan() {…}` reads before the body runs: the first read needs a deadline too.
  const cond = loopCondition(loop);
  if (cond && cond.startIndex <= read.startIndex && read.endIndex <= cond.endIndex) {
    const top = loop.parent?.type === 'labeled_statement' ? loop.parent : loop;
    const at = lineStart(text, top.startIndex);
    if (text.slice(at, top.startIndex).trim() !== '') return [];
    edits.push({ start: at, end: at, newText: `${indent}${stmt(indent)}\n` });
  }
  const imp = ctx.importEdit(['time']);
  if (imp) edits.push(imp);
  return [{ title: `Set a read deadline (${ctx.fix.readTimeout}) at the top of each iteration`, edits, preferred }];
}

/**
 * When the function's results have no certain zero values, reuse the loop's own exit on a read
 * error (`if err != nil { return false }` / `break`) if it only names values visible at the top of
 * the loop.
 */
function mirrorErrorExit(ctx: RuleContext, loop: SyntaxNode): string | null {
  const body = loopBody(loop);
  if (!body) return null;
  for (const d of descendantsNoFunc(body)) {
    if (d.type !== 'if_statement' || !errNotNil(d.childForFieldName('condition'))) continue;
    const stmts = statementsOf(d.childForFieldName('consequence'));
    if (stmts.length !== 1) continue;
    const s = stmts[0];
    if (s.type === 'break_statement' && !named(s).length && jumpTargets(s, loop)) return 'break';
    if (s.type !== 'return_statement') continue;
    const ok = ofType(s, 'identifier').every((id) => {
      if (id.text === 'err' || id.text === 'nil' || id.text === 'true' || id.text === 'false') return true;
      const b = ctx.file.binding(id);
      if (!b) return true;
      return b.decl.startIndex < loop.startIndex;
    });
    if (ok && !ofType(s, 'call_expression').length) return s.text;
  }
  return null;
}

export default rule;
