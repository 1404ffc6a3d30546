// log.Fatal(srv.ListenAndServe()) in a program that shuts the server down: as soon as Shutdown (or
// Close) is called, ListenAndServe/Serve return http.ErrServerClosed, and log.Fatal exits the
// process there and then, while Shutdown is still waiting for in-flight requests.
import type { Rule, Fix, TextEdit } from '../model';
import type { RuleContext } from '../context';
import type { SyntaxNode } from '../parser';
import { isNoReturnCall } from '../facts/flow';
import {
  callArgs,
  enclosingFunction,
  enclosingStatement,
  errNotNil,
  exprList,
  indentAt,
  named,
  ofType,
  positionInList,
  statementsOf,
  unparen,
} from '../facts/syntax';
import { indentLines, ownsLines } from '../fixes/layout';
import { freshName } from '../fixes/names';
import { SERVE_METHODS, serverCall, serverIsStopped } from './_shutdown';

const rule: Rule = {
  meta: {
    id: 'serve-error-unchecked',
    title: 'Serve error not compared with http.ErrServerClosed',
    severity: 'warning',
    category: 'shutdown',
    minGo: '1.8',
    description:
      'After `Shutdown` or `Close`, `ListenAndServe`/`Serve` return `http.ErrServerClosed` at once. Passing that error to `log.Fatal` (or `panic`, `os.Exit`) ends the process while Shutdown is still draining requests. Treat `http.ErrServerClosed` as the normal end: `if err != nil && !errors.Is(err, http.ErrServerClosed)`.',
    zh: {
      title: 'Serve 的错误未与 http.ErrServerClosed 比较',
      description:
        '调用 `Shutdown` 或 `Close` 后，`ListenAndServe`/`Serve` 会立即返回 `http.ErrServerClosed`。把这个错误交给 `log.Fatal`（或 `panic`、`os.Exit`）会在 Shutdown 仍在等待请求完成时结束进程。应把 `http.ErrServerClosed` 视为正常结束：`if err != nil && !errors.Is(err, http.ErrServerClosed)`。',
    },
    docs: 'serve-error-unchecked',
    messages: {
      fatal: {
        en: '{call}() returns http.ErrServerClosed on Shutdown: {sink} then ends the process',
        zh: '{call}() 在 Shutdown 时返回 http.ErrServerClosed：随后 {sink} 会结束进程',
      },
    },
  },
  check(ctx) {
    if (ctx.file.isTest || ctx.text.indexOf('Serve') === -1) return;
    for (const call of ofType(ctx.tree.rootNode, 'call_expression')) {
      const sc = serverCall(ctx, call, SERVE_METHODS);
      if (!sc) continue;
      const sink = fatalSink(ctx, call);
      if (!sink) continue;
      const fn = enclosingFunction(call);
      if (fn && mentionsErrServerClosed(ctx, fn)) continue;
      // Only a server someone stops returns ErrServerClosed.
      if (!serverIsStopped(ctx, sc.recv)) continue;
      const callText = `${sc.recv.text}.${sc.name}`;
      const fix =
        sink.kind === 'arg' ? wrapFix(ctx, call, sink.fatal) : sink.kind === 'check' ? conditionFix(ctx, sink.cond, sink.err) : null;
      ctx.report(call, { id: 'fatal', args: { call: callText, sink: sink.what } }, fix ? [fix] : []);
    }
  },
};

type Sink =
  | { kind: 'arg'; what: string; fatal: SyntaxNode }
  | { kind: 'check'; what: string; cond: SyntaxNode; err: string }
  | { kind: 'plain'; what: string };

/** Where the Serve error goes when it ends the process without a look at ErrServerClosed. */
function fatalSink(ctx: RuleContext, call: SyntaxNode): Sink | null {
  const p = call.parent;
  // log.Fatal(srv.ListenAndServe()), log.Fatalf("…: %v", srv.Serve(ln)), panic(srv.ListenAndServe())
  if (p?.type === 'argument_list') {
    const outer = p.parent;
    if (outer && isFatal(ctx, outer)) return { kind: 'arg', what: calleeName(outer), fatal: outer };
    return null;
  }
  // err := srv.ListenAndServe() / if err := srv.ListenAndServe(); err != nil { log.Fatal(err) }
  if (p?.type !== 'expression_list') return null;
  const assign = p.parent;
  if (!assign || (assign.type !== 'short_var_declaration' && assign.type !== 'assignment_statement')) return null;
  if (assign.type === 'assignment_statement' && assign.childForFieldName('operator')?.text !== '=') return null;
  const left = exprList(assign.childForFieldName('left'));
  const right = exprList(assign.childForFieldName('right'));
  if (left.length !== 1 || right.length !== 1 || left[0].type !== 'identifier' || left[0].text === '_') return null;
  const err = left[0].text;
  let ifStmt: SyntaxNode | null = null;
  if (assign.parent?.type === 'if_statement' && assign.parent.childForFieldName('initializer')?.id === assign.id) {
    ifStmt = assign.parent;
  } else if (assign.parent?.type === 'statement_list') {
    const pos = positionInList(assign);
    const next = pos?.stmts[pos.index + 1];
    if (!next) return null;
    if (next.type === 'if_statement' && !next.childForFieldName('initializer')) ifStmt = next;
    else if (next.type === 'expression_statement') {
      // err := srv.ListenAndServe(); log.Fatal(err)
      const e = unparen(next.namedChild(0));
      if (e && isFatal(ctx, e) && callArgs(e).some((a) => unparen(a)?.text === err)) return { kind: 'plain', what: calleeName(e) };
      return null;
    } else return null;
  }
  if (!ifStmt) return null;
  const cond = unparen(ifStmt.childForFieldName('condition'));
  // Only the plain `err != nil`: any other condition may be the filter (`&& !isClosed(err)`).
  if (!cond || errNotNil(cond) !== err || cond.childForFieldName('operator')?.text !== '!=') return null;
  for (const s of statementsOf(ifStmt.childForFieldName('consequence'))) {
    const e = s.type === 'expression_statement' ? unparen(s.namedChild(0)) : null;
    if (e && isFatal(ctx, e)) return { kind: 'check', what: calleeName(e), cond, err };
  }
  return null;
}

const FATAL_NAMES = new Set(['Fatal', 'Fatalf', 'Fatalln', 'Panic', 'Panicf', 'Panicln']);

/** Ends the process (or the goroutine's stack): panic, os.Exit, log.Fatal*, and any logger's Fatal and Panic methods. */
function isFatal(ctx: RuleContext, call: SyntaxNode): boolean {
  if (call.type !== 'call_expression') return false;
  if (isNoReturnCall(call, ctx.file)) return true;
  const fn = unparen(call.childForFieldName('function'));
  return fn?.type === 'selector_expression' && FATAL_NAMES.has(fn.childForFieldName('field')?.text ?? '');
}

function calleeName(call: SyntaxNode): string {
  return call.childForFieldName('function')?.text ?? 'the call';
}

function mentionsErrServerClosed(ctx: RuleContext, fn: SyntaxNode): boolean {
  if (fn.text.indexOf('ErrServerClosed') === -1) return false;
  for (const n of ofType(fn, ['selector_expression', 'identifier'])) {
    if (!n.text.endsWith('ErrServerClosed')) continue;
    if (ctx.file.qualified(n) === 'net/http.ErrServerClosed') return true;
  }
  return false;
}

/** `!errors.Is(err, http.ErrServerClosed)` (Go ≥ 1.13) or `err != http.ErrServerClosed`. */
function notClosed(ctx: RuleContext, err: string): { text: string; imports: string[] } {
  const closed = ctx.ref('net/http', 'ErrServerClosed');
  if (ctx.goAtLeast('1.13')) return { text: `!${ctx.ref('errors', 'Is')}(${err}, ${closed})`, imports: ['errors', 'net/http'] };
  return { text: `${err} != ${closed}`, imports: ['net/http'] };
}

function conditionFix(ctx: RuleContext, cond: SyntaxNode, err: string): Fix {
  const nc = notClosed(ctx, err);
  const edits: TextEdit[] = [{ start: cond.endIndex, end: cond.endIndex, newText: ` && ${nc.text}` }];
  const imp = ctx.importEdit(nc.imports);
  if (imp) edits.push(imp);
  return { title: 'Ignore http.ErrServerClosed (the normal result of Shutdown)', preferred: true, edits };
}

/** log.Fatal(srv.ListenAndServe())  →  if err := srv.ListenAndServe(); err != nil && !errors.Is(…) { log.Fatal(err) } */
function wrapFix(ctx: RuleContext, call: SyntaxNode, fatal: SyntaxNode): Fix | null {
  const text = ctx.text;
  const stmt = enclosingStatement(call);
  if (!stmt || stmt.type !== 'expression_statement' || unparen(stmt.namedChild(0))?.id !== fatal.id) return null;
  const usedInFatal = new Set(ofType(fatal, 'identifier').map((i) => i.text));
  const err = usedInFatal.has('err') ? freshName(ctx.file, call, ['serveErr']) : 'err';
  const nc = notClosed(ctx, err);
  const fatalText = text.slice(fatal.startIndex, call.startIndex) + err + text.slice(call.endIndex, fatal.endIndex);
  const lines = [`if ${err} := ${call.text}; ${err} != nil && ${nc.text} {`, `\t${fatalText}`, '}'];
  const edits: TextEdit[] = [];
  if (ownsLines(text, stmt)) {
    edits.push({ start: stmt.startIndex, end: stmt.endIndex, newText: indentLines(lines, indentAt(text, stmt.startIndex)) });
  } else {
    // go func() { log.Fatal(srv.ListenAndServe()) }(): open the one-line body up.
    const list = stmt.parent;
    const block = list?.parent;
    if (!list || !block || block.type !== 'block' || named(list).length !== 1) return null;
    if (block.startPosition.row !== block.endPosition.row) return null;
    const indent = indentAt(text, block.startIndex);
    const body = ['{', ...lines.map((l) => `\t${l}`), '}'];
    edits.push({ start: block.startIndex, end: block.endIndex, newText: indentLines(body, indent) });
  }
  const imp = ctx.importEdit(nc.imports);
  if (imp) edits.push(imp);
  return { title: 'Ignore http.ErrServerClosed (the normal result of Shutdown)', preferred: true, edits };
}

export default rule;
