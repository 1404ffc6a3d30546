// An Accept loop whose error branch `continue`s without checking for a closed listener and without
// backing off: after Close every Accept fails at once and the loop spins a CPU core; on EMFILE it
// busy-loops as well.
import type { Fix, Rule, TextEdit } from '../model';
import type { RuleContext } from '../context';
import type { SyntaxNode } from '../parser';
import { resolveCallee, type FileFacts } from '../facts/package';
import { assignedWithErr, assignsTo, isErrCheck, isNoReturnCall, terminates } from '../facts/flow';
import {
  descendantsNoFunc,
  enclosingFunction,
  errIsNil,
  errNotNil,
  indentAt,
  lineStart,
  methodCall,
  named,
  ofType,
  statementsOf,
  unparen,
} from '../facts/syntax';
import { freshName, nameInUse } from '../fixes/names';
import { errorReturn } from '../fixes/values';
import { jumpTargets, loopBody, loopCondition } from '../facts/loops';
import { isAcceptCall } from '../facts/reads';

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
    messages: {
      'cont-new': {
        en: 'continue after a failed {call}() with no check for net.ErrClosed and no back-off',
        zh: '{call}() 失败后直接 continue，既没有检查 net.ErrClosed，也没有退避',
      },
      'cont-old': {
        en: 'continue after a failed {call}() with no check for a closed listener and no back-off',
        zh: '{call}() 失败后直接 continue，既没有检查监听器是否已关闭，也没有退避',
      },
      'cont-checked': {
        en: 'continue after a failed {call}(): it looks at the error but never leaves the loop',
        zh: '{call}() 失败后直接 continue：检查了错误却从不退出循环',
      },
      'fall-new': {
        en: 'a failed {call}() falls through to retry with no net.ErrClosed check or back-off',
        zh: '失败的 {call}() 直接进入下一次迭代，既没有检查 net.ErrClosed，也没有退避',
      },
      'fall-old': {
        en: 'a failed {call}() falls through to retry with no closed-listener check or back-off',
        zh: '失败的 {call}() 直接进入下一次迭代，既没有检查监听器是否已关闭，也没有退避',
      },
      'fall-checked': {
        en: 'a failed {call}() falls through to retry: it looks at the error but never leaves the loop',
        zh: '失败的 {call}() 直接进入下一次迭代：检查了错误却从不退出循环',
      },
      temporary: {
        en: 'continue after a temporary {call}() error with no back-off: "too many open files" spins',
        zh: '{call}() 出现临时错误后直接 continue 而没有退避："too many open files" 时会空转',
      },
      spins: {
        en: 'once {ln} is closed this fails at once on every iteration: the loop spins a CPU core',
        zh: '{ln} 关闭后这里每次迭代都会立即失败：循环会占满一个 CPU 核心',
      },
      emfile: {
        en: 'out of descriptors (EMFILE) this fails at once until one is freed: the loop spins',
        zh: '文件描述符耗尽（EMFILE）时这里会立即失败，直到有描述符被释放：循环会空转',
      },
    },
  },
  check(ctx) {
    if (!/\.Accept(TCP|Unix)?\(\)/.test(ctx.text)) return;
    for (const call of ctx.tree.rootNode.descendantsOfType('call_expression')) {
      if (call && isAcceptCall(ctx.file, call)) checkAccept(ctx, call);
    }
  },
};

/** Where an Accept sits: its statement (or the `if` it initializes) directly in a `for {}` body. */
interface Site {
  call: SyntaxNode;
  stmt: SyntaxNode;
  /** `if c, err := ln.Accept(); err == nil {…}`: the if statement. */
  ifInit: SyntaxNode | null;
  loop: SyntaxNode;
  /** The loop body's statements and the index of the Accept's (or its if's) statement. */
  stmts: SyntaxNode[];
  i: number;
  err: string;
  ln: string;
  method: string;
  /** `for !closed {}`: the condition is re-checked every iteration. */
  conditional: boolean;
}

function siteOf(call: SyntaxNode): Site | null {
  const stmt = call.parent?.parent;
  if (!stmt || call.parent?.type !== 'expression_list') return null;
  const a = assignedWithErr(stmt);
  if (!a || !a.err || a.left.length !== 2 || unparen(a.call)?.id !== call.id) return null;
  const ifInit = stmt.parent?.type === 'if_statement' && stmt.parent.childForFieldName('initializer')?.id === stmt.id ? stmt.parent : null;
  const top = ifInit ?? stmt;
  const list = top.parent;
  const loop = list?.parent?.parent;
  if (!list || list.type !== 'statement_list' || !loop || loop.type !== 'for_statement' || loopBody(loop)?.id !== list.parent!.id)
    return null;
  if (named(loop).some((c) => c.type === 'range_clause')) return null;
  const stmts = statementsOf(list);
  const callee = unparen(call.childForFieldName('function'));
  return {
    call,
    stmt,
    ifInit,
    loop,
    stmts,
    i: stmts.findIndex((s) => s.id === top.id),
    err: a.err.text,
    ln: callee?.childForFieldName('operand')?.text ?? 'the listener',
    method: callee?.childForFieldName('field')?.text ?? 'Accept',
    conditional: !!loopCondition(loop),
  };
}

function checkAccept(ctx: RuleContext, call: SyntaxNode): void {
  const site = siteOf(call);
  if (!site) return;
  if (checkErrorPath(ctx, site)) return;
  checkTemporary(ctx, site);
}

/**
 * The error path of the Accept: the branch of its `err != nil` / `err == nil` check, and when that
 * branch falls through, the rest of the loop body. Reports when it reaches the next iteration
 * without leaving the loop or waiting. Returns true when the path was judged (reported or fine).
 */
function checkErrorPath(ctx: RuleContext, site: Site): boolean {
  const { loop, stmts, i, err } = site;
  // `for !closed {}` / `for ctx.Err() == nil {}` re-check shutdown every iteration.
  if (site.conditional) return false;
  let check: SyntaxNode | null = site.ifInit;
  const between: SyntaxNode[] = [];
  if (!check) {
    for (const s of stmts.slice(i + 1)) {
      if (isErrCheck(s, err) || (s.type === 'if_statement' && errIsNil(s.childForFieldName('condition')) === err)) {
        check = s;
        break;
      }
      if (assignsTo(s, err)) return true;
      between.push(s);
    }
  }
  if (!check) return false;
  const cond = unparen(check.childForFieldName('condition'));
  const op = cond?.type === 'binary_expression' ? cond.childForFieldName('operator')?.text : null;
  let errBranch: SyntaxNode | null;
  let okBranch: SyntaxNode | null;
  if (op === '!=' && errNotNil(cond) === err) {
    errBranch = check.childForFieldName('consequence');
    okBranch = check.childForFieldName('alternative');
  } else if (op === '==' && errIsNil(cond) === err) {
    errBranch = check.childForFieldName('alternative');
    okBranch = check.childForFieldName('consequence');
  } else return false;
  // `else if …` chains: the error path splits further; leave them to the continue/temporary checks.
  if (errBranch && errBranch.type !== 'block') return false;
  if (okBranch && okBranch.type !== 'block') return false;
  // Shutdown checks or waits around the Accept (before it in the loop, or between it and the check).
  const around = [...stmts.slice(0, i), ...between];
  if (site.ifInit) {
    for (const n of descendantsNoFunc(site.stmt))
      if (n.id !== site.call.id && n.type === 'call_expression' && (leaves(ctx, n, loop) || waits(ctx, n))) return true;
  }
  for (const s of around) for (const n of descendantsNoFunc(s)) if (leaves(ctx, n, loop) || waits(ctx, n)) return true;

  let cont: SyntaxNode | null = null;
  if (errBranch) {
    for (const n of descendantsNoFunc(errBranch)) {
      if (n.type === 'continue_statement' && jumpTargets(n, loop)) cont ??= n;
      if (leaves(ctx, n, loop)) return false;
      if (waits(ctx, n)) return true;
    }
  }
  // Before Go 1.16 a closed listener is told by its message, "use of closed network connection".
  const checked = !!errBranch && checksClosed(errBranch);
  const what = checked ? 'checked' : ctx.goAtLeast('1.16') ? 'new' : 'old';
  const args = { call: `${site.ln}.${site.method}`, ln: site.ln };
  // On "too many open files" it busy-loops too; the fix returns on a closed listener and sleeps before retrying.
  const related = [{ at: site.call, id: 'spins', args }];
  if (cont) {
    const fixes = errBranch ? continueFixes(ctx, loop, check, errBranch, cont, err) : [];
    ctx.report(cont, { id: `cont-${what}`, args }, fixes, { related });
    return true;
  }
  if (errBranch && terminates(errBranch, ctx.file)) return true;
  // Falls through: the rest of the loop body runs on the error path too. It must be error-only code
  // (the success branch always jumps away) for us to follow it.
  const rest = stmts.slice(stmts.findIndex((s) => s.id === check!.id) + 1);
  if (rest.length) {
    if (!okBranch || !terminates(okBranch, ctx.file)) return true;
    for (const s of rest) for (const n of descendantsNoFunc(s)) if (leaves(ctx, n, loop) || waits(ctx, n)) return true;
  }
  const fixes = rest.length ? [] : fallThroughFixes(ctx, loop, check, errBranch, okBranch, err);
  ctx.report(site.call, { id: `fall-${what}`, args }, fixes);
  return true;
}

/**
 * `if ne.Temporary() { continue }` with nothing on the way that waits: "too many open files" is a
 * Temporary error (syscall.Errno.Temporary: EINTR, EMFILE, ENFILE), so the loop retries at full speed
 * until a descriptor frees, whatever the loop condition says about shutdown. A listener deadline
 * makes the timeouts (also Temporary) deliberate.
 */
function checkTemporary(ctx: RuleContext, site: Site): void {
  const { loop, stmts, i, err } = site;
  const fn = enclosingFunction(loop);
  if (!fn) return;
  for (const n of descendantsNoFunc(fn)) {
    if (n.type === 'call_expression' && /^Set(Read)?Deadline$/.test(methodCall(n)?.name ?? '')) return;
  }
  for (const s of stmts.slice(i)) {
    for (const cont of descendantsNoFunc(s)) {
      if (cont.type !== 'continue_statement' || !jumpTargets(cont, loop) || !underTemporaryCheck(cont, s, err)) continue;
      if (waitsOnPathTo(ctx, cont, loop)) continue;
      // EMFILE is a temporary error: net/http sleeps 5 ms doubling to 1 s before retrying.
      ctx.report(cont, { id: 'temporary', args: { call: `${site.ln}.${site.method}` } }, temporaryFixes(ctx, loop, s, cont), {
        related: [{ at: site.call, id: 'emfile' }],
      });
      return;
    }
  }
}

/** Is `cont` in the consequence of an `if` (inside `top`) whose condition asks whether `err` is Temporary? */
function underTemporaryCheck(cont: SyntaxNode, top: SyntaxNode, err: string): boolean {
  for (let c: SyntaxNode = cont, p = cont.parent; p; c = p, p = p.parent) {
    if (p.type === 'if_statement' && p.childForFieldName('consequence')?.id === c.id) {
      const cond = p.childForFieldName('condition');
      const init = p.childForFieldName('initializer');
      const ids = [...ofType(cond!, ['identifier', 'field_identifier']), ...(init ? ofType(init, ['identifier', 'field_identifier']) : [])];
      if (ids.some((x) => /Temporary/.test(x.text)) && ids.some((x) => x.text === err)) return true;
      // `if ne, ok := err.(net.Error); ok && ne.Temporary()` names err in the initializer only.
    }
    if (p.id === top.id) break;
  }
  return false;
}

/** Something that waits on the way from the top of the loop body to `cont` (statements before it, conditions). */
function waitsOnPathTo(ctx: RuleContext, cont: SyntaxNode, loop: SyntaxNode): boolean {
  const body = loopBody(loop);
  for (let c: SyntaxNode = cont, p = cont.parent; p && p.id !== body?.id; c = p, p = p.parent) {
    if (p.type === 'statement_list') {
      for (const s of named(p)) {
        if (s.id === c.id) break;
        for (const n of descendantsNoFunc(s)) if (waits(ctx, n)) return true;
      }
    } else if (p.type === 'if_statement') {
      for (const f of ['initializer', 'condition']) {
        const x = p.childForFieldName(f);
        if (x && x.id !== c.id) for (const n of descendantsNoFunc(x)) if (waits(ctx, n)) return true;
      }
    }
  }
  return false;
}

/** `net.ErrClosed`, the "use of closed network connection" text, `Temporary()`/`Timeout()` (comments aside). */
function checksClosed(branch: SyntaxNode): boolean {
  for (const n of descendantsNoFunc(branch)) {
    if (
      (n.type === 'field_identifier' || n.type === 'identifier') &&
      /^(ErrClosed|errClosed|ErrNetClosing|Temporary|Timeout)$/.test(n.text)
    )
      return true;
    if ((n.type === 'interpreted_string_literal' || n.type === 'raw_string_literal') && n.text.includes('use of closed')) return true;
  }
  return false;
}

/** A statement that leaves the loop: return, break/goto out of it, panic, os.Exit, log.Fatal (also inside a helper). */
function leaves(ctx: RuleContext, n: SyntaxNode, loop: SyntaxNode): boolean {
  if (n.type === 'return_statement' || n.type === 'goto_statement') return true;
  if (n.type === 'break_statement') {
    const labeled = named(n).some((c) => c.type === 'label_name');
    // A labeled break leaves this loop or one around it.
    return labeled || jumpTargets(n, loop);
  }
  if (n.type === 'call_expression') return isNoReturnCall(n, ctx.file) || helperEffect(ctx.file, n).exits;
  return false;
}

/** Something that blocks for a while: a sleep, a select without default, a channel receive, a back-off helper. */
function waits(ctx: RuleContext, n: SyntaxNode): boolean {
  if (blocks(ctx.file, n)) return true;
  return n.type === 'call_expression' && helperEffect(ctx.file, n).waits;
}

function blocks(file: FileFacts, n: SyntaxNode): boolean {
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
    const q = file.qualified(fn);
    if (q === 'time.Sleep' || q === 'time.After' || q === 'time.NewTimer' || q === 'time.Tick') return true;
    const name = fn?.type === 'selector_expression' ? fn.childForFieldName('field')?.text : fn?.text;
    return !!name && WAIT_NAME.test(name);
  }
  return false;
}

/**
 * What a same-package function called on the error path does: waits somewhere in it (a sleep, a
 * back-off), or always ends the process (its last statement is a log.Fatal, os.Exit, panic).
 */
function helperEffect(file: FileFacts, call: SyntaxNode, depth = 0): { waits: boolean; exits: boolean } {
  const none = { waits: false, exits: false };
  const f = depth > 2 ? null : resolveCallee(file, call);
  const body = f?.node.childForFieldName('body');
  if (!f || !body) return none;
  const key = `accept-spin:helper:${f.file.path}:${f.node.startIndex}`;
  const memo = file.pkg.memo;
  if (memo.has(key)) return memo.get(key) as { waits: boolean; exits: boolean };
  memo.set(key, none);
  let w = false;
  for (const n of descendantsNoFunc(body)) {
    if (blocks(f.file, n) || (n.type === 'call_expression' && n.id !== call.id && helperEffect(f.file, n, depth + 1).waits)) {
      w = true;
      break;
    }
  }
  const last = statementsOf(body).at(-1);
  const lastCall = last?.type === 'expression_statement' ? unparen(last.namedChild(0)) : null;
  const exits = !!lastCall && (isNoReturnCall(lastCall, f.file) || helperEffect(f.file, lastCall, depth + 1).exits);
  const res = { waits: w, exits };
  memo.set(key, res);
  return res;
}

function ancestorIs(n: SyntaxNode, type: string): boolean {
  for (let p = n.parent; p; p = p.parent) if (p.type === type) return true;
  return false;
}

/** The pieces every back-off fix shares: the delay variable declared before the loop, the sleep, the exit. */
interface Backoff {
  v: string;
  /** Declares the delay on the line before the loop. */
  decl: TextEdit;
  /** `if errors.Is(err, net.ErrClosed) { return }` lines (no indent), for `err`. */
  closed: (err: string) => string[];
  /** Doubling 5ms..1s and the sleep (no indent). */
  sleep: string[];
  imports: string[];
  /** `net.ErrClosed` or `a closed listener`, for titles. */
  closedName: string;
}

function backoff(ctx: RuleContext, loop: SyntaxNode, withClosed: boolean): Backoff | null {
  const text = ctx.text;
  const fn = enclosingFunction(loop);
  if (!fn) return null;
  // Leave the loop the way the code already can: `break` if it has breaks (code after the loop
  // is reachable), else `return` with the function's zero results and a nil error.
  const hasBreak = [...descendantsNoFunc(loopBody(loop)!)].some((n) => n.type === 'break_statement' && jumpTargets(n, loop));
  const exit = hasBreak ? 'break' : errorReturn(ctx, fn, 'nil');
  if (withClosed && !exit) return null;
  const top = loop.parent?.type === 'labeled_statement' ? loop.parent : loop;
  const loopLine = lineStart(text, top.startIndex);
  if (text.slice(loopLine, top.startIndex).trim() !== '') return null;
  const v = freshName(ctx.file, loop, ['tempDelay', 'acceptDelay', 'acceptBackoff']);
  const time = (m: string) => ctx.ref('time', m);
  const go116 = ctx.goAtLeast('1.16');
  const closedExpr = (err: string) =>
    go116
      ? `${ctx.ref('errors', 'Is')}(${err}, ${ctx.ref('net', 'ErrClosed')})`
      : `${ctx.ref('strings', 'Contains')}(${err}.Error(), "use of closed network connection")`;
  const useMinMax = ctx.goAtLeast('1.21') && !['min', 'max'].some((n) => nameInUse(ctx.file, loop, n));
  const doubling = useMinMax
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
  return {
    v,
    decl: {
      start: loopLine,
      end: loopLine,
      newText: `${indentAt(text, top.startIndex)}var ${v} ${time('Duration')} // Accept back-off: 5ms doubling to 1s, as net/http does\n`,
    },
    closed: (err) => [`if ${closedExpr(err)} {`, `\t${exit}`, '}'],
    sleep: [...doubling, `${time('Sleep')}(${v})`],
    imports: withClosed ? (go116 ? ['errors', 'net', 'time'] : ['strings', 'time']) : ['time'],
    closedName: go116 ? 'net.ErrClosed' : 'a closed listener',
  };
}

const lines = (ls: string[], indent: string) => ls.map((l) => `${indent}${l}`).join('\n');

/** Is `n` alone on its line(s): nothing before it on its first line? */
function ownLine(text: string, n: SyntaxNode): boolean {
  return text.slice(lineStart(text, n.startIndex), n.startIndex).trim() === '';
}

/**
 * For a block whose `{` ends its line (a comment may follow) and whose `}` starts one: the offset
 * where statements can go after the `{` line, else null.
 */
function openBlock(text: string, b: SyntaxNode): number | null {
  const eol = text.indexOf('\n', b.startIndex);
  const rest = text.slice(b.startIndex + 1, eol).trim();
  if (eol === -1 || (rest !== '' && !rest.startsWith('//'))) return null;
  return text.slice(lineStart(text, b.endIndex - 1), b.endIndex - 1).trim() === '' ? eol : null;
}

function withImport(ctx: RuleContext, edits: TextEdit[], imports: string[]): TextEdit[] {
  const imp = ctx.importEdit(imports);
  return imp ? [...edits, imp] : edits;
}

/** `if err != nil { …; continue }`: return on a closed listener first, back off before the continue. */
function continueFixes(ctx: RuleContext, loop: SyntaxNode, check: SyntaxNode, branch: SyntaxNode, cont: SyntaxNode, err: string): Fix[] {
  const text = ctx.text;
  // Only the plain shape: the branch ends with this continue, and it is the only one.
  const last = statementsOf(branch).at(-1);
  if (last?.id !== cont.id || named(cont).length) return [];
  if ([...descendantsNoFunc(branch)].filter((n) => n.type === 'continue_statement').length !== 1) return [];
  const ifIndent = indentAt(text, check.startIndex);
  const inner = `${ifIndent}\t`;
  if (indentAt(text, cont.startIndex) !== inner || !ownLine(text, cont)) return [];
  const b = backoff(ctx, loop, true);
  if (!b) return [];
  const edits = [
    b.decl,
    { start: branch.startIndex + 1, end: branch.startIndex + 1, newText: `\n${lines(b.closed(err), inner)}` },
    { start: cont.startIndex, end: cont.startIndex, newText: `${lines(b.sleep, inner).slice(inner.length)}\n${inner}` },
    { start: check.endIndex, end: check.endIndex, newText: `\n${ifIndent}${b.v} = 0` },
  ];
  return [
    {
      title: `Return on ${b.closedName}, back off 5ms..1s on other Accept errors`,
      edits: withImport(ctx, edits, b.imports),
      preferred: true,
    },
  ];
}

/**
 * A check whose error branch falls through (or is missing): return on a closed listener and back
 * off at the end of the error branch (an `else` added when there is none), reset on success.
 */
function fallThroughFixes(
  ctx: RuleContext,
  loop: SyntaxNode,
  check: SyntaxNode,
  errBranch: SyntaxNode | null,
  okBranch: SyntaxNode | null,
  err: string,
): Fix[] {
  const text = ctx.text;
  const okAt = okBranch ? openBlock(text, okBranch) : null;
  const errAt = errBranch ? openBlock(text, errBranch) : null;
  if (!okBranch || okAt === null || !ownLine(text, check) || (errBranch && errAt === null)) return [];
  const ifIndent = indentAt(text, check.startIndex);
  const inner = `${ifIndent}\t`;
  const b = backoff(ctx, loop, true);
  if (!b) return [];
  const edits: TextEdit[] = [b.decl, { start: okAt, end: okAt, newText: `\n${inner}${b.v} = 0` }];
  if (errBranch && errAt !== null) {
    const close = lineStart(text, errBranch.endIndex - 1);
    edits.push(
      { start: errAt, end: errAt, newText: `\n${lines(b.closed(err), inner)}` },
      { start: close, end: close, newText: `${lines(b.sleep, inner)}\n` },
    );
  } else {
    edits.push({
      start: okBranch.endIndex,
      end: okBranch.endIndex,
      newText: ` else {\n${lines([...b.closed(err), ...b.sleep], inner)}\n${ifIndent}}`,
    });
  }
  return [
    {
      title: `Return on ${b.closedName}, back off 5ms..1s on other Accept errors`,
      edits: withImport(ctx, edits, b.imports),
      preferred: true,
    },
  ];
}

/** `if temporary { continue }`: back off before the continue, reset once past the error handling. */
function temporaryFixes(ctx: RuleContext, loop: SyntaxNode, top: SyntaxNode, cont: SyntaxNode): Fix[] {
  const text = ctx.text;
  if (named(cont).length || !ownLine(text, cont) || !ownLine(text, top)) return [];
  const b = backoff(ctx, loop, false);
  if (!b) return [];
  const indent = indentAt(text, cont.startIndex);
  const edits = [
    b.decl,
    { start: cont.startIndex, end: cont.startIndex, newText: `${lines(b.sleep, indent).slice(indent.length)}\n${indent}` },
    { start: top.endIndex, end: top.endIndex, newText: `\n${indentAt(text, top.startIndex)}${b.v} = 0` },
  ];
  return [{ title: 'Back off 5ms..1s before retrying temporary Accept errors', edits: withImport(ctx, edits, b.imports), preferred: true }];
}

export default rule;
