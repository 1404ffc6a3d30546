// Control-flow facts over statements: does a statement end the current flow, where does a value's
// error check sit.
import type { SyntaxNode } from '../parser';
import type { FileFacts } from './package';
import { errNotNil, exprList, named, statementsOf, unparen } from './syntax';

const NORETURN = new Set([
  'os.Exit',
  'log.Fatal',
  'log.Fatalf',
  'log.Fatalln',
  'log.Panic',
  'log.Panicf',
  'log.Panicln',
  'runtime.Goexit',
  'log/slog.Fatal',
]);
const NORETURN_METHODS = new Set([
  'Fatal',
  'Fatalf',
  'Fatalln',
  'FailNow',
  'Skip',
  'Skipf',
  'SkipNow',
  'Panic',
  'Panicf',
  'Panicln',
  'Exit',
]);

/** A call that never returns: panic, os.Exit, log.Fatal*, t.Fatal*, logger.Fatal*. */
export function isNoReturnCall(call: SyntaxNode, file: FileFacts): boolean {
  if (call.type !== 'call_expression') return false;
  const fn = unparen(call.childForFieldName('function'));
  if (!fn) return false;
  if (fn.type === 'identifier' && fn.text === 'panic') return true;
  const q = file.qualified(fn);
  if (q) return NORETURN.has(q);
  if (fn.type === 'selector_expression') {
    const name = fn.childForFieldName('field')?.text ?? '';
    return NORETURN_METHODS.has(name);
  }
  return false;
}

/** Does executing this statement always leave the enclosing statement list (return, panic, jump)? */
export function terminates(stmt: SyntaxNode | null | undefined, file: FileFacts): boolean {
  // Every branch must end the flow: a worklist rather than recursion, as else-if chains and
  // nesting can be thousands deep.
  const todo: (SyntaxNode | null | undefined)[] = [stmt];
  while (todo.length) {
    const s = todo.pop();
    if (!s) return false;
    switch (s.type) {
      case 'return_statement':
      case 'goto_statement':
      case 'continue_statement':
      case 'break_statement':
        continue;
      case 'expression_statement': {
        const e = unparen(s.namedChild(0));
        if (e && isNoReturnCall(e, file)) continue;
        return false;
      }
      case 'block':
      case 'statement_list': {
        const list = s.type === 'block' ? statementsOf(s) : named(s);
        if (!list.length) return false;
        todo.push(list[list.length - 1]);
        continue;
      }
      case 'if_statement': {
        const alt = s.childForFieldName('alternative');
        if (!alt) return false;
        todo.push(alt, s.childForFieldName('consequence'));
        continue;
      }
      case 'labeled_statement':
        todo.push(named(s).find((c) => c.type !== 'label_name'));
        continue;
      default:
        return false;
    }
  }
  return true;
}

/** Last statement of a block (or null). */
export function lastStatement(block: SyntaxNode | null | undefined): SyntaxNode | null {
  const s = statementsOf(block);
  return s.length ? s[s.length - 1] : null;
}

/**
 * For `x, err := f()` / `x, err = f()`: the identifiers on the left and the error identifier
 * (the last one named like an error), or null when this is not such a statement.
 */
export function assignedWithErr(stmt: SyntaxNode): { left: SyntaxNode[]; err: SyntaxNode | null; call: SyntaxNode | null } | null {
  if (stmt.type !== 'short_var_declaration' && stmt.type !== 'assignment_statement') return null;
  if (stmt.type === 'assignment_statement' && stmt.childForFieldName('operator')?.text !== '=') return null;
  const left = exprList(stmt.childForFieldName('left'));
  const right = exprList(stmt.childForFieldName('right'));
  const call = right.length === 1 && unparen(right[0])?.type === 'call_expression' ? unparen(right[0]) : null;
  const last = left[left.length - 1];
  const err = left.length >= 2 && last.type === 'identifier' && last.text !== '_' ? last : null;
  return { left, err, call };
}

/** Whether `stmt` assigns to identifier `name` (plain `=`, `:=`, or op-assign). */
export function assignsTo(stmt: SyntaxNode, name: string): boolean {
  if (stmt.type !== 'short_var_declaration' && stmt.type !== 'assignment_statement') return false;
  return exprList(stmt.childForFieldName('left')).some((l) => l.type === 'identifier' && l.text === name);
}

/** `if err != nil` style statement checking identifier `err`, including `if x, err := ...; err != nil`. */
export function isErrCheck(stmt: SyntaxNode, err: string): boolean {
  if (stmt.type !== 'if_statement') return false;
  return errNotNil(stmt.childForFieldName('condition')) === err;
}
