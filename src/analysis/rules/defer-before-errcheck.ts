// defer x.Close() / defer resp.Body.Close() written before the error check of the call that
// produced x: when the call fails x is nil and the deferred call panics (or closes nothing).
import type { Rule } from '../model';
import type { RuleContext } from '../context';
import type { SyntaxNode } from '../parser';
import { assignedWithErr, assignsTo, isErrCheck, terminates } from '../facts/flow';
import { isClosable, isResponse } from '../facts/kinds';
import { lineEnd, lineStart, ofType, pathText, positionInList, statementsOf, unparen } from '../facts/syntax';

const rule: Rule = {
  meta: {
    id: 'defer-before-errcheck',
    title: 'Close deferred before the error check',
    severity: 'warning',
    category: 'close',
    description:
      'A deferred Close written before `if err != nil` runs even when the call failed. The value is then nil: `defer resp.Body.Close()` and `defer conn.Close()` panic with a nil pointer dereference. Defer the Close after the error check.',
    zh: {
      title: '在错误检查之前 defer Close',
      description:
        '在 `if err != nil` 之前写的 defer Close 在调用失败时也会执行。此时值为 nil，`defer resp.Body.Close()` 和 `defer conn.Close()` 会因空指针解引用而 panic。应在错误检查之后再 defer Close。',
    },
    docs: 'defer-before-errcheck',
    messages: {
      panics: {
        en: 'defer {what} runs even if {callee} failed: {base} is nil then and it panics',
        zh: '即使 {callee} 失败，defer {what} 也会执行：此时 {base} 为 nil，调用会 panic',
      },
      discarded: {
        en: 'defer {what} runs even if {callee} failed: the error is dropped, {base} is nil then',
        zh: '即使 {callee} 失败，defer {what} 也会执行：错误被丢弃，此时 {base} 为 nil',
      },
    },
  },
  check(ctx) {
    for (const d of ofType(ctx.tree.rootNode, 'defer_statement')) check(ctx, d);
  },
};

/** The receiver path closed by `defer x.Close()` / `defer x.Body.Close()`: returns the base identifier. */
function deferredClose(d: SyntaxNode): { base: string; viaBody: boolean; call: SyntaxNode } | null {
  const call = unparen(d.namedChild(0));
  if (!call || call.type !== 'call_expression') return null;
  const fn = unparen(call.childForFieldName('function'));
  if (!fn || fn.type !== 'selector_expression' || fn.childForFieldName('field')?.text !== 'Close') return null;
  const recv = pathText(fn.childForFieldName('operand'));
  if (!recv) return null;
  const parts = recv.split('.');
  if (parts.length === 1) return { base: parts[0], viaBody: false, call };
  if (parts.length === 2 && parts[1] === 'Body') return { base: parts[0], viaBody: true, call };
  return null;
}

function check(ctx: RuleContext, d: SyntaxNode): void {
  const dc = deferredClose(d);
  if (!dc) return;
  // The statement of the list holding the producer that contains the defer: the defer itself, or
  // an if/else around it (`if verbose { defer c.Close() }`) whose condition does not guard the value.
  let anchor: SyntaxNode = d;
  for (;;) {
    const list = anchor.parent;
    if (!list || list.type !== 'statement_list') return;
    const block = list.parent;
    const ifs = block?.type === 'block' ? block.parent : null;
    if (!ifs || ifs.type !== 'if_statement') break;
    if (ifs.childForFieldName('consequence')?.id !== block!.id && ifs.childForFieldName('alternative')?.id !== block!.id) break;
    let top: SyntaxNode = ifs;
    while (top.parent?.type === 'if_statement' && top.parent.childForFieldName('alternative')?.id === top.id) top = top.parent;
    if (mentionsGuard(top, dc.base)) return;
    // Inside the branch, an earlier check or re-assignment makes the defer safe or unrelated.
    for (const st of statementsOf(list)) {
      if (st.id === anchor.id) break;
      if (assignsTo(st, dc.base) || (st.type === 'if_statement' && mentionsGuard(st, dc.base))) return;
    }
    anchor = top;
  }
  const pos = positionInList(anchor);
  if (!pos) return;
  const { stmts, index: i } = pos;
  // Find the statement that produced the value: the nearest earlier assignment of it.
  let producer = -1;
  for (let j = i - 1; j >= 0; j--) {
    if (assignsTo(stmts[j], dc.base)) {
      producer = j;
      break;
    }
  }
  if (producer === -1) return;
  const a = assignedWithErr(stmts[producer]);
  if (!a || !a.call || a.left[0].text !== dc.base) return;
  if (!a.err) {
    // `res, _ := client.Get(u)` then `defer res.Body.Close()`: no check at all, same panic.
    const discarded = a.left.length >= 2 && a.left[a.left.length - 1].text === '_';
    if (discarded && anchor.id === d.id && i === producer + 1 && knownKind(ctx, a.left[0], a.call, dc.viaBody, true)) {
      const what = dc.viaBody ? `${dc.base}.Body.Close()` : `${dc.base}.Close()`;
      ctx.report(d, { id: 'discarded', args: { what, callee: calleeText(a.call), base: dc.base } });
    }
    return;
  }
  const err = a.err.text;
  // Between producer and defer, nothing may check err already.
  for (let j = producer + 1; j < i; j++) if (isErrCheck(stmts[j], err) || assignsTo(stmts[j], err)) return;
  // The check must come after the defer, before err is reassigned.
  let checkIdx = -1;
  for (let j = i + 1; j < stmts.length; j++) {
    if (isErrCheck(stmts[j], err)) {
      checkIdx = j;
      break;
    }
    if (assignsTo(stmts[j], err) || assignsTo(stmts[j], dc.base)) return;
  }
  if (checkIdx === -1) return;
  if (!knownKind(ctx, a.left[0], a.call, dc.viaBody)) return;

  const what = dc.viaBody ? `${dc.base}.Body.Close()` : `${dc.base}.Close()`;
  const callee = calleeText(a.call);
  const fixes = [];
  const ifStmt = stmts[checkIdx];
  if (
    anchor.id === d.id &&
    terminates(ifStmt.childForFieldName('consequence'), ctx.file) &&
    !ifStmt.childForFieldName('alternative') &&
    !ifStmt.childForFieldName('initializer')
  ) {
    const text = ctx.text;
    const ls = lineStart(text, d.startIndex);
    const le = lineEnd(text, d.endIndex);
    // Only move whole lines (the defer alone on its line, maybe with a trailing comment) to keep gofmt layout.
    const rest = text.slice(d.endIndex, le).trim();
    if (text.slice(ls, d.startIndex).trim() === '' && (rest === '' || rest.startsWith('//'))) {
      const indent = text.slice(ls, d.startIndex);
      fixes.push({
        title: `Move defer ${what} after the error check`,
        preferred: true,
        edits: [
          { start: ls, end: Math.min(le + 1, text.length), newText: '' },
          { start: ifStmt.endIndex, end: ifStmt.endIndex, newText: `\n${indent}${text.slice(d.startIndex, le).trimEnd()}` },
        ],
      });
    }
  }
  ctx.report(d, { id: 'panics', args: { what, callee, base: dc.base } }, fixes);
}

/**
 * Does an if/else chain's condition (or initializer) look at the error or the value itself? Then the
 * defer inside is guarded (`if err == nil { defer c.Close() }`, `if resp != nil { ... }`).
 */
function mentionsGuard(ifs: SyntaxNode, base: string): boolean {
  for (let cur: SyntaxNode | null = ifs; cur?.type === 'if_statement'; cur = cur.childForFieldName('alternative')) {
    for (const part of [cur.childForFieldName('condition'), cur.childForFieldName('initializer')]) {
      if (!part) continue;
      for (const id of part.descendantsOfType('identifier')) if (id.text === base || /^err/i.test(id.text)) return true;
    }
  }
  return false;
}

/**
 * A value whose type we can name as a response or connection. Without type facts we still know the
 * shape is wrong for any (T, error) producer whose value is nil on error; stay with the types we can
 * name to keep precision (and gopls covers the rest).
 */
function knownKind(ctx: RuleContext, value: SyntaxNode, call: SyntaxNode, viaBody: boolean, strict = false): boolean {
  const kind = ctx.file.kindOf(value);
  if (viaBody ? isResponse(kind) : isClosable(kind)) return true;
  return !strict && viaBody && kind === null && looksLikeHTTPCall(ctx, call);
}

function calleeText(call: SyntaxNode): string {
  const fn = call.childForFieldName('function');
  return fn ? fn.text : 'the call';
}

function looksLikeHTTPCall(ctx: RuleContext, call: SyntaxNode): boolean {
  const c = ctx.file.callee(call);
  return !!c?.method && ['Do', 'Get', 'Post', 'Head', 'PostForm', 'RoundTrip'].includes(c.method);
}

export default rule;
