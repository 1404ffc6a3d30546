// `c.SetReadDeadline(time.Now().Add(d))` set once, then a session loop reads c: a deadline is an
// absolute time, so the connection dies d after it was set even while the client is busy.
import type { Fix, Rule } from '../model';
import type { RuleContext } from '../context';
import type { SyntaxNode } from '../parser';
import { isErrCheck } from '../facts/flow';
import { outerFunction } from '../facts/scope';
import {
  descendantsNoFunc,
  enclosingFunction,
  enclosingStatement,
  exprList,
  indentAt,
  isFunctionNode,
  lineEnd,
  lineStart,
  named,
  ofType,
  unparen,
} from '../facts/syntax';
import { callsIn, enclosingLoops, isMessageLoop, isOpenEndedLoop, loopBody, loopCondition } from '../facts/loops';
import { helperSetsDeadline, originOf, paramVerdict } from '../facts/origins';
import { type Chain, chainOf, connRead, deadlineCall, intersects, isFutureNowAdd, nowAdd } from '../facts/reads';

/** Names that say the deadline is meant for the whole connection, not per message. */
const ABSOLUTE_INTENT = /life|age\b|Age|ttl|TTL|total|Total|overall|Overall|session|Session|absolute|Absolute|budget|Budget/;

const rule: Rule = {
  meta: {
    id: 'deadline-outside-loop',
    title: 'Absolute deadline set once before a read loop',
    severity: 'warning',
    category: 'deadline',
    description:
      'SetReadDeadline/SetDeadline take an absolute time. Set once before a loop that serves a connection, time.Now().Add(d) cuts the connection d after it was set even while the client is active. Set the deadline at the top of each iteration to get an idle timeout.',
    zh: {
      title: '在读循环之前只设置一次绝对截止时间',
      description:
        'SetReadDeadline/SetDeadline 接收的是绝对时间。在服务连接的循环之前只设置一次 time.Now().Add(d)，会在设置 d 之后切断连接，即使客户端仍然活跃。应在每次迭代开始时设置截止时间，得到空闲超时。',
    },
    docs: 'deadline-outside-loop',
    messages: {
      once: {
        en: '{call} sets a deadline (now + {dur}) once, before the loop that reads {conn}',
        zh: '{call} 只在读取 {conn} 的循环之前设置一次截止时间（now + {dur}）',
      },
      read: {
        en: 'read in the loop: the deadline set before it is never refreshed',
        zh: '循环中的读取：之前设置的截止时间从未刷新',
      },
    },
  },
  check(ctx) {
    // Tests provoke timeouts on purpose and run under `go test -timeout`: stay quiet there.
    if (ctx.file.isTest) return;
    if (!ctx.text.includes('Deadline(')) return;
    for (const call of ofType(ctx.tree.rootNode, 'call_expression')) {
      const d = deadlineCall(call);
      if (!d) continue;
      let viaVar = false;
      if (!isFutureNowAdd(ctx.file, d.arg)) {
        // `deadline := time.Now().Add(d)` computed once and passed in.
        const a = unparen(d.arg);
        const b = a?.type === 'identifier' ? ctx.file.binding(a) : null;
        if (!b?.value || b.value.count !== 1 || !isFutureNowAdd(ctx.file, b.value.expr)) continue;
        viaVar = true;
      }
      const chain = chainOf(ctx.file, d.recv);
      if (!chain.root && !chain.connPaths.length) continue;
      const stmt = enclosingStatement(call);
      if (!stmt) continue;
      const found = loopAfter(ctx, stmt, chain);
      if (!found) continue;
      const { loop, read } = found;
      if (!chain.root) continue;
      const origin = originOf(ctx.file, chain.root);
      if (origin !== 'accepted' && origin !== 'param') continue;
      if (origin === 'param' && paramVerdict(ctx.file, chain.root).allDialed) continue;
      const fn = outerFunction(call);
      if (!fn) continue;
      // Changed again later (cleared after a handshake, refreshed after the loop): a phase deadline, on purpose.
      const later = ofType(fn, 'call_expression').some((c) => {
        if (c.startIndex <= call.endIndex || (c.startIndex >= loop.startIndex && c.endIndex <= loop.endIndex)) return false;
        const dc = deadlineCall(c);
        return !!dc && intersects(chainOf(ctx.file, dc.recv).keys, chain.keys);
      });
      if (later) continue;
      const dur = nowAdd(ctx.file, viaVar ? ctx.file.binding(unparen(d.arg)!)!.value!.expr : d.arg);
      // The duration's name says the whole session is meant to be bounded (`maxConnAge`, `sessionTTL`).
      if (dur && ABSOLUTE_INTENT.test(dur.text) && !/idle/i.test(dur.text)) continue;
      ctx.report(
        call,
        { id: 'once', args: { call: `${d.recv.text}.${d.method}`, dur: dur?.text ?? 'd', conn: chain.root.name } },
        viaVar ? [] : fixes(ctx, stmt, call, loop, chain),
        { related: [{ at: read, id: 'read' }] },
      );
    }
  },
};

/**
 * The first session loop after `stmt` (a later statement of the same list, or of an enclosing list,
 * not leaving a loop or the function) that reads the chain and refreshes no deadline.
 */
function loopAfter(ctx: RuleContext, stmt: SyntaxNode, chain: Chain): { loop: SyntaxNode; read: SyntaxNode } | null {
  let cur: SyntaxNode | null = stmt;
  while (cur) {
    const list: SyntaxNode | null = cur.parent;
    if (!list || list.type !== 'statement_list') return null;
    let after = false;
    for (const s of named(list)) {
      if (s.id === cur.id) {
        after = true;
        continue;
      }
      if (!after) continue;
      // Another deadline on the same connection before any loop: that one is what the loop sees.
      for (const n of descendantsNoFunc(s)) {
        if (n.type === 'call_expression') {
          const dc = deadlineCall(n);
          if (dc && intersects(chainOf(ctx.file, dc.recv).keys, chain.keys)) return null;
        }
        if (n.type !== 'for_statement') continue;
        const hit = sessionRead(ctx, n, chain);
        if (hit) return { loop: n, read: hit };
      }
    }
    // Climb out of an if/switch/block, but not out of a loop body or the function.
    let up: SyntaxNode | null = list.parent;
    while (up && up.parent?.type !== 'statement_list') {
      if (up.type === 'for_statement' || isFunctionNode(up)) return null;
      up = up.parent;
    }
    if (!up || up.type === 'for_statement') return null;
    cur = up;
  }
  return null;
}

/** A read of the chain in `loop` under an open-ended loop, when the loop refreshes no deadline and is a session. */
function sessionRead(ctx: RuleContext, loop: SyntaxNode, chain: Chain): SyntaxNode | null {
  let read: SyntaxNode | null = null;
  for (const c of callsIn(loop)) {
    const cr = connRead(ctx.file, c);
    if (!cr || cr.read.copy || !intersects(cr.chain.keys, chain.keys)) continue;
    const loops = enclosingLoops(c);
    const upTo = loops.slice(0, loops.findIndex((l) => l.id === loop.id) + 1);
    if (!upTo.some(isOpenEndedLoop)) continue;
    read = c;
    break;
  }
  if (!read) return null;
  for (const c of callsIn(loop)) if (deadlineCall(c) || helperSetsDeadline(ctx.file, c)) return null;
  if (isMessageLoop(loop, enclosingFunction(loop))) return null;
  return read;
}

function fixes(ctx: RuleContext, stmt: SyntaxNode, call: SyntaxNode, loop: SyntaxNode, chain: Chain): Fix[] {
  const body = loopBody(loop);
  if (!body || !movable(stmt, call)) return [];
  const text = ctx.text;
  const ls = lineStart(text, stmt.startIndex);
  const le = lineEnd(text, stmt.endIndex);
  const tail = text.slice(stmt.endIndex, le).trim();
  if (text.slice(ls, stmt.startIndex).trim() !== '' || (tail !== '' && !tail.startsWith('//'))) return [];
  const indent = indentAt(text, loop.startIndex);
  const stmtIndent = text.slice(ls, stmt.startIndex);
  // Re-indent the statement's lines for the loop body.
  const lines = text.slice(stmt.startIndex, le).split('\n');
  const moved = lines
    .map((l, i) => (i === 0 ? `${indent}\t${l}` : `\t${l.startsWith(stmtIndent) ? indent + l.slice(stmtIndent.length) : l}`))
    .join('\n');
  const rest = text.slice(body.startIndex + 1, lineEnd(text, body.startIndex)).trim();
  if (rest !== '' && !rest.startsWith('//')) return [];
  const bodyLine = lineEnd(text, body.startIndex);
  const insert = { start: bodyLine, end: bodyLine, newText: `\n${moved}` };
  // Keep the original when reads happen before the loop body runs: between the statement and the
  // loop, or in the loop condition (`for sc.Scan()`).
  const cond = loopCondition(loop);
  const readsBefore =
    (cond && callsIn(cond).some((c) => readsChain(ctx, c, chain))) ||
    named(stmt.parent).some(
      (s) => s.startIndex > stmt.endIndex && s.endIndex <= loop.startIndex && callsIn(s).some((c) => readsChain(ctx, c, chain)),
    );
  const sameList = stmt.parent?.id === (loop.parent?.type === 'labeled_statement' ? loop.parent.parent?.id : loop.parent?.id);
  // Set under a condition (`if idle > 0 { … }`): copying it unconditionally would change behaviour.
  if (!sameList) return [];
  if (readsBefore) {
    return [{ title: 'Also refresh the deadline at the top of each iteration', edits: [insert], preferred: true }];
  }
  return [
    {
      title: 'Move the deadline into the loop (refresh it each iteration)',
      preferred: true,
      edits: [{ start: ls, end: Math.min(le + 1, text.length), newText: '' }, insert],
    },
  ];
}

function readsChain(ctx: RuleContext, c: SyntaxNode, chain: Chain): boolean {
  const cr = connRead(ctx.file, c);
  return !!cr && intersects(cr.chain.keys, chain.keys);
}

/** Only statements that are the deadline call and its own error handling can move. */
function movable(stmt: SyntaxNode, call: SyntaxNode): boolean {
  if (stmt.type === 'expression_statement') return unparen(stmt.namedChild(0))?.id === call.id;
  if (stmt.type === 'assignment_statement') {
    const left = exprList(stmt.childForFieldName('left'));
    const right = exprList(stmt.childForFieldName('right'));
    return left.length === 1 && left[0].text === '_' && unparen(right[0])?.id === call.id;
  }
  if (stmt.type === 'if_statement') {
    const init = stmt.childForFieldName('initializer');
    if (!init || init.type !== 'short_var_declaration') return false;
    const left = exprList(init.childForFieldName('left'));
    const right = exprList(init.childForFieldName('right'));
    return (
      left.length === 1 && unparen(right[0])?.id === call.id && isErrCheck(stmt, left[0].text) && !stmt.childForFieldName('alternative')
    );
  }
  return false;
}

export default rule;
