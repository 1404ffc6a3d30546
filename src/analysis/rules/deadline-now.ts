// SetReadDeadline(time.Now()) followed by a read of the same connection: the read fails at once
// with os.ErrDeadlineExceeded, without even looking at data that is already waiting.
import type { Fix, Rule } from '../model';
import type { RuleContext } from '../context';
import type { SyntaxNode } from '../parser';
import { terminates } from '../facts/flow';
import { descendantsNoFunc, enclosingStatement, isFunctionNode, named, nameWords, unparen } from '../facts/syntax';
import { timeoutValue } from '../fixes/values';
import { type Chain, chainOf, connRead, deadlineCall, intersects, isPastNow } from '../facts/reads';

/**
 * Words (of a camelCase or snake_case function name) that say its job is to interrupt I/O: a past
 * deadline there is the cancel idiom. Whole words with their inflections, so that `closeConn`,
 * `stopped`, `Shutdown`, `onDone` match and `readOne` ("dOne") or `unclosedBody` do not.
 */
const CANCEL_WORD =
  /^(abort|cancel|close|stop|interrupt|unblock|wake|kill|shut|halt|quit|exit|expire|break|done|finish|reset|clear|teardown)(s|es|d|ed|led|ped|ing|ling|ping|er|ers|down|up)?$/;

function cancelLikeName(name: string): boolean {
  return [...nameWords(name)].some((w) => CANCEL_WORD.test(w));
}

const rule: Rule = {
  meta: {
    id: 'deadline-now',
    title: 'Read right after setting the deadline to now',
    severity: 'warning',
    category: 'deadline',
    description:
      'SetReadDeadline(time.Now()) puts the deadline in the past: the next Read fails at once with os.ErrDeadlineExceeded ("i/o timeout"), even when data is already waiting — it is not a non-blocking read or a liveness check. A past deadline is for waking a Read blocked in another goroutine; clear it with time.Time{} or set a future time before reading.',
    zh: {
      title: '把截止时间设为现在之后立即读取',
      description:
        'SetReadDeadline(time.Now()) 把截止时间设在过去：接下来的 Read 会立即以 os.ErrDeadlineExceeded（"i/o timeout"）失败，即使数据已经到达——这不是非阻塞读，也不能检查连接是否存活。过去的截止时间用于唤醒阻塞在另一个 goroutine 中的 Read；读取之前应使用 time.Time{} 清除它或设置一个将来的时间。',
    },
    docs: 'deadline-now',
    messages: {
      past: {
        en: '{call} puts the deadline in the past: the read after it fails at once',
        zh: '{call} 把截止时间设在过去：之后的读取会立即失败',
      },
      read: {
        en: 'this read fails at once with {err}, even if data is waiting',
        zh: '此次读取会立即以 {err} 失败，即使数据已经到达',
      },
    },
  },
  check(ctx) {
    // Tests provoke timeouts on purpose and run under `go test -timeout`: stay quiet there.
    if (ctx.file.isTest) return;
    if (!ctx.text.includes('Deadline(')) return;
    for (const call of ctx.tree.rootNode.descendantsOfType('call_expression')) {
      if (!call) continue;
      const d = deadlineCall(call);
      if (!d || !isPastNow(ctx.file, d.arg)) continue;
      if (cancelContext(call)) continue;
      const chain = chainOf(ctx.file, d.recv);
      if (!chain.keys.size) continue;
      const read = readAfter(ctx, call, chain);
      if (!read) continue;
      // The error is a net.Error with Timeout() since Go 1; it matches os.ErrDeadlineExceeded since Go 1.15.
      const err = ctx.goAtLeast('1.15') ? 'os.ErrDeadlineExceeded' : 'an "i/o timeout" error';
      ctx.report(call, { id: 'past', args: { call: `${d.recv.text}.${d.method}` } }, fixes(ctx, d.arg!), {
        related: [{ at: read, id: 'read', args: { err } }],
      });
    }
  },
};

/** Inside a goroutine/callback literal, a select case, or a function named like abort/cancel/close. */
function cancelContext(call: SyntaxNode): boolean {
  for (let p = call.parent; p; p = p.parent) {
    if (p.type === 'communication_case') return true;
    if (p.type === 'func_literal') {
      const pp = p.parent;
      // Called on the spot (`func() {…}()`) is the same flow; anything else runs elsewhere.
      if (!(pp?.type === 'call_expression' && pp.childForFieldName('function')?.id === p.id && pp.parent?.type !== 'go_statement'))
        return true;
      const v = pp.parent;
      if (v?.type === 'defer_statement') return true;
      continue;
    }
    if (p.type === 'function_declaration' || p.type === 'method_declaration') {
      return cancelLikeName(p.childForFieldName('name')?.text ?? '');
    }
  }
  return false;
}

/**
 * The first read of the chain that runs after `call` in the same flow: later statements of the
 * same list and of enclosing lists (leaving if/switch/select bodies), stopping at a statement that
 * always jumps away, at the end of a loop body, and at a deadline set again on the connection.
 */
function readAfter(ctx: RuleContext, call: SyntaxNode, chain: Chain): SyntaxNode | null {
  let cur: SyntaxNode | null = enclosingStatement(call);
  while (cur) {
    const list: SyntaxNode = cur.parent!;
    let after = false;
    for (const s of named(list)) {
      if (s.id === cur.id) {
        after = true;
        continue;
      }
      if (!after || s.type === 'comment') continue;
      if (s.type === 'go_statement' || s.type === 'defer_statement') continue;
      for (const n of descendantsNoFunc(s)) {
        if (n.type !== 'call_expression') continue;
        const dc = deadlineCall(n);
        if (dc && intersects(chainOf(ctx.file, dc.recv).keys, chain.keys)) return null;
        const cr = connRead(ctx.file, n, { packet: true, anyKind: true });
        if (cr && intersects(cr.chain.keys, chain.keys)) return n;
      }
      if (terminates(s, ctx.file)) return null;
    }
    // Leave the enclosing block/if/case, but not a loop body or the function.
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

function fixes(ctx: RuleContext, arg: SyntaxNode): Fix[] {
  const a = unparen(arg)!;
  const now = `${ctx.ref('time', 'Now')}()`;
  return [
    {
      title: `Set a future read deadline (now + ${ctx.fix.readTimeout})`,
      edits: [{ start: a.startIndex, end: a.endIndex, newText: `${now}.Add(${timeoutValue(ctx, ctx.fix.readTimeout).text})` }],
    },
    {
      title: 'Clear the deadline instead (time.Time{}: reads block until data arrives)',
      edits: [{ start: a.startIndex, end: a.endIndex, newText: `${ctx.ref('time', 'Time')}{}` }],
    },
  ];
}

export default rule;
