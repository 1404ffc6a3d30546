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
  if (!stmt) return false;
  switch (stmt.type) {
    case 'return_statement':
    case 'goto_statement':
    case 'continue_statement':
    case 'break_statement':
      return true;
    case 'expression_statement': {
      const e = unparen(stmt.namedChild(0));
      return !!e && isNoReturnCall(e, file);
    }
    case 'block':
    case 'statement_list': {
      const list = stmt.type === 'block' ? statementsOf(stmt) : named(stmt);
      return list.length > 0 && terminates(list[list.length - 1], file);
    }
    case 'if_statement': {
      const alt = stmt.childForFieldName('alternative');
      return !!alt && terminates(stmt.childForFieldName('consequence'), file) && terminates(alt, file);
    }
    case 'labeled_statement':
      return terminates(
        named(stmt).find((c) => c.type !== 'label_name'),
        file,
      );
    default:
      return false;
  }
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
