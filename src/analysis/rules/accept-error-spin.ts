// An Accept loop whose error branch `continue`s without checking for a closed listener and without
// backing off: after Close every Accept fails at once and the loop spins a CPU core; on EMFILE it
// busy-loops as well.
import type { Fix, Rule } from '../model';
import type { RuleContext } from '../context';
import type { SyntaxNode } from '../parser';
import { assignedWithErr, assignsTo, isErrCheck, isNoReturnCall } from '../facts/flow';
import { indentAt, lineStart, named, statementsOf, unparen } from '../facts/syntax';
import { errorReturn, innermostFunction, isAcceptCall, jumpTargets, loopBody, loopCondition, nameTaken, walkNoFunc } from './_deadlines';

/** Calls that wait: a custom back-off, a rate limiter, a sleep. */
const WAIT_NAME = /sleep|backoff|back_off|wait|delay|throttle|pause|retry/i;

const rule: Rule = {
  meta: {
    id: 'accept-error-spin',
    title: 'Accept loop spins on errors',
    severity: 'warning',
    category: 'errors',
    description:
      'The Accept loop continues on every error without checking net.ErrClosed (Go 1.16+; before that, the "use of closed network connection" error) and without backing off. After the listener is closed each Accept fails at once, so the loop spins at 100% CPU (and floods the log); on "too many open files" it busy-loops too. Return on net.ErrClosed and sleep on other errors (net/http: 5 ms doubling to 1 s).',
    zh: {
      title: 'Accept 循环在出错时空转',
      description:
        'Accept 循环在任何错误上都直接 continue，既不检查 net.ErrClosed 也不退避。监听器关闭后每次 Accept 都立即失败，循环以 100% CPU 空转（并刷满日志）；遇到 "too many open files" 时同样忙等。应在 net.ErrClosed 时返回，其他错误时休眠退避（net/http：从 5 ms 翻倍到 1 s）。',
    },
    docs: 'accept-error-spin',
  },
  check(ctx) {
    if (!/\.Accept(TCP|Unix)?\(\)/.test(ctx.text)) return;
    for (const call of ctx.tree.rootNode.descendantsOfType('call_expression')) {
      if (call && isAcceptCall(ctx.file, call)) checkAccept(ctx, call);
    }
  },
};

function checkAccept(ctx: RuleContext, call: SyntaxNode): void {
  const stmt = call.parent?.parent;
  if (!stmt || call.parent?.type !== 'expression_list') return;
  const a = assignedWithErr(stmt);
  if (!a || !a.err || a.left.length !== 2 || unparen(a.call)?.id !== call.id) return;
  const list = stmt.parent;
  const loop = list?.parent?.parent;
  if (!list || list.type !== 'statement_list' || !loop || loop.type !== 'for_statement' || loopBody(loop)?.id !== list.parent!.id) return;
  // `for !closed {}` / `for ctx.Err() == nil {}` re-check shutdown every iteration.
  if (loopCondition(loop) || named(loop).some((c) => c.type === 'range_clause')) return;
  const err = a.err.text;
  const stmts = statementsOf(list);
  const i = stmts.findIndex((s) => s.id === stmt.id);
  let check: SyntaxNode | null = null;
  for (const s of stmts.slice(i + 1)) {
    if (isErrCheck(s, err)) {
      check = s;
      break;
    }
    if (assignsTo(s, err)) return;
  }
  if (!check) return;
  const cond = unparen(check.childForFieldName('condition'));
  if (!cond || cond.type !== 'binary_expression' || cond.childForFieldName('operator')?.text !== '!=') return;
  const branch = check.childForFieldName('consequence');
  if (!branch) return;
  let cont: SyntaxNode | null = null;
  for (const n of walkNoFunc(branch)) {
    if (n.type === 'continue_statement' && jumpTargets(n, loop)) cont ??= n;
    if (leaves(ctx, n, loop)) return;
    if (waits(ctx, n)) return;
  }
  if (!cont) return;
  // Checking net.ErrClosed (or Temporary()) only helps when it leads out of the loop; reaching here,
  // nothing in the branch does (`if !errors.Is(err, net.ErrClosed) { log… }; continue` still spins).
  const checked = checksClosed(branch);
  // A shutdown check earlier in the loop body (`select { case <-quit: return; default: }`).
  for (const s of stmts.slice(0, i)) for (const n of walkNoFunc(s)) if (leaves(ctx, n, loop)) return;

  const callee = unparen(call.childForFieldName('function'));
  const ln = callee?.childForFieldName('operand')?.text ?? 'the listener';
  const method = callee?.childForFieldName('field')?.text ?? 'Accept';
  const closedCheck = ctx.goAtLeast('1.16')
    ? 'net.ErrClosed'
    : 'a closed listener ("use of closed network connection"; net.ErrClosed needs Go 1.16)';
  const what = checked
    ? `it looks at the error but never leaves the loop, and has no back-off`
    : `no check for ${closedCheck} and no back-off`;
  const message =
    `continue after a failed ${ln}.${method}() with ${what}: once ${ln} is closed ` +
    `every Accept fails at once and this loop spins a CPU core at 100% (and floods the log); on "too many open files" ` +
    `it busy-loops too. Return when the listener is closed and sleep before retrying other errors`;
  ctx.report(cont, message, fixes(ctx, loop, check, branch, cont, err));
}

/** `net.ErrClosed`, the "use of closed network connection" text, `Temporary()`/`Timeout()` (comments aside). */
function checksClosed(branch: SyntaxNode): boolean {
  for (const n of walkNoFunc(branch)) {
    if (
      (n.type === 'field_identifier' || n.type === 'identifier') &&
      /^(ErrClosed|errClosed|ErrNetClosing|Temporary|Timeout)$/.test(n.text)
    )
      return true;
    if ((n.type === 'interpreted_string_literal' || n.type === 'raw_string_literal') && n.text.includes('use of closed')) return true;
  }
  return false;
}

/** A statement that leaves the loop: return, break/goto out of it, panic, os.Exit, log.Fatal. */
function leaves(ctx: RuleContext, n: SyntaxNode, loop: SyntaxNode): boolean {
  if (n.type === 'return_statement' || n.type === 'goto_statement') return true;
  if (n.type === 'break_statement') {
    const labeled = named(n).some((c) => c.type === 'label_name');
    // A labeled break leaves this loop or one around it.
    return labeled || jumpTargets(n, loop);
  }
  if (n.type === 'call_expression') return isNoReturnCall(n, ctx.file);
  return false;
}

/** Something that blocks for a while: a sleep, a select without default, a channel receive, a back-off helper. */
function waits(ctx: RuleContext, n: SyntaxNode): boolean {
  if (n.type === 'select_statement') return !named(n).some((c) => c.type === 'default_case');
  // `errCh <- err` outside a select: blocks until someone receives (often the shutdown path).
  if (n.type === 'send_statement') return !ancestorIs(n, 'communication_case');
  if (n.type === 'unary_expression' && (n.childForFieldName('operator')?.text ?? n.child(0)?.text) === '<-') {
    // A receive outside a select blocks; inside a select the select decides.
    for (let p = n.parent; p; p = p.parent) if (p.type === 'communication_case') return false;
    return true;
  }
  if (n.type === 'call_expression') {
    const fn = unparen(n.childForFieldName('function'));
    const q = ctx.file.qualified(fn);
    if (q === 'time.Sleep' || q === 'time.After' || q === 'time.NewTimer' || q === 'time.Tick') return true;
    const name = fn?.type === 'selector_expression' ? fn.childForFieldName('field')?.text : fn?.text;
    return !!name && WAIT_NAME.test(name);
  }
  return false;
}

function ancestorIs(n: SyntaxNode, type: string): boolean {
  for (let p = n.parent; p; p = p.parent) if (p.type === type) return true;
  return false;
}

function fixes(ctx: RuleContext, loop: SyntaxNode, check: SyntaxNode, branch: SyntaxNode, cont: SyntaxNode, err: string): Fix[] {
  const text = ctx.text;
  const fn = innermostFunction(loop);
  if (!fn) return [];
  // Only the plain shape: the branch ends with this continue, and it is the only one.
  const last = statementsOf(branch).at(-1);
  if (last?.id !== cont.id || named(cont).length) return [];
  if ([...walkNoFunc(branch)].filter((n) => n.type === 'continue_statement').length !== 1) return [];
  // Leave the loop the way the code already can: `break` if it has breaks (code after the loop
  // is reachable), else `return` with the function's zero results and a nil error.
  const hasBreak = [...walkNoFunc(loopBody(loop)!)].some((n) => n.type === 'break_statement' && jumpTargets(n, loop));
  const exit = hasBreak ? 'break' : errorReturn(ctx, fn, 'nil');
  if (!exit) return [];
  const top = loop.parent?.type === 'labeled_statement' ? loop.parent : loop;
  const loopLine = lineStart(text, top.startIndex);
  if (text.slice(loopLine, top.startIndex).trim() !== '') return [];
  const loopIndent = indentAt(text, top.startIndex);
  const ifIndent = indentAt(text, check.startIndex);
  const inner = `${ifIndent}\t`;
  if (indentAt(text, cont.startIndex) !== inner || text.slice(lineStart(text, cont.startIndex), cont.startIndex).trim() !== '') return [];

  const v = ['tempDelay', 'acceptDelay', 'acceptBackoff'].find((n) => !nameTaken(ctx.file, fn, n));
  if (!v) return [];
  const time = (m: string) => ctx.ref('time', m);
  const closed = ctx.goAtLeast('1.16')
    ? `${ctx.ref('errors', 'Is')}(${err}, ${ctx.ref('net', 'ErrClosed')})`
    : `${ctx.ref('strings', 'Contains')}(${err}.Error(), "use of closed network connection")`;
  const imports = ctx.goAtLeast('1.16') ? ['errors', 'net', 'time'] : ['strings', 'time'];
  const useMinMax = ctx.goAtLeast('1.21') && !['min', 'max'].some((n) => nameTaken(ctx.file, fn, n));
  const backoff = useMinMax
    ? [`${v} = min(max(2*${v}, 5*${time('Millisecond')}), ${time('Second')})`]
    : [
        `if ${v} == 0 {`,
        `\t${v} = 5 * ${time('Millisecond')}`,
        '} else {',
        `\t${v} *= 2`,
        '}',
        `if ${v} > ${time('Second')} {`,
        `\t${v} = ${time('Second')}`,
        '}',
      ];
  const edits = [
    {
      start: loopLine,
      end: loopLine,
      newText: `${loopIndent}var ${v} ${time('Duration')} // Accept back-off: 5ms doubling to 1s, as net/http does\n`,
    },
    { start: branch.startIndex + 1, end: branch.startIndex + 1, newText: `\n${inner}if ${closed} {\n${inner}\t${exit}\n${inner}}` },
    { start: cont.startIndex, end: cont.startIndex, newText: `${[...backoff, `${time('Sleep')}(${v})`].join(`\n${inner}`)}\n${inner}` },
    { start: check.endIndex, end: check.endIndex, newText: `\n${ifIndent}${v} = 0` },
  ];
  const imp = ctx.importEdit(imports);
  if (imp) edits.push(imp);
  const what = ctx.goAtLeast('1.16') ? 'net.ErrClosed' : 'a closed listener';
  return [{ title: `Return on ${what}, back off 5ms..1s on other Accept errors`, edits, preferred: true }];
}

export default rule;
