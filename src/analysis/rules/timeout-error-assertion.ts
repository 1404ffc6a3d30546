// Timeout checks that go wrong: `err.(net.Error)` + Timeout() (blind to wrapped errors; the inline
// form panics), the deprecated Temporary(), and matching "i/o timeout" in the error text. The fix is
// errors.Is(err, os.ErrDeadlineExceeded) (Go 1.15+) where the error comes from I/O on a connection
// with a deadline, else errors.As into a net.Error (Go 1.13+), which keeps Timeout()'s meaning.
import type { Rule, Fix, TextEdit } from '../model';
import type { RuleContext } from '../context';
import type { SyntaxNode } from '../parser';
import { assignsTo } from '../facts/flow';
import { isConn, isListener } from '../facts/kinds';
import { outerFunction } from '../facts/scope';
import { callArgs, exprList, isFunctionNode, ofType, paramsOf, pathText, positionInList, unparen } from '../facts/syntax';
import { unusedImports, withImports } from '../fixes/imports';
import { statementLine } from '../fixes/layout';
import { freshName } from '../fixes/names';
import { methodCallOn, stringValue } from './_timeouts';

const rule: Rule = {
  meta: {
    id: 'timeout-error-assertion',
    title: 'Timeout check by type assertion, Temporary() or error text',
    severity: 'warning',
    category: 'errors',
    minGo: '1.13',
    description:
      '`err.(net.Error)` misses timeouts wrapped with %w (and the inline `err.(net.Error).Timeout()` panics on other errors), Temporary() is deprecated since Go 1.18, and matching "i/o timeout" in the message misses HTTP client and keep-alive timeouts. Use errors.Is(err, os.ErrDeadlineExceeded) (Go 1.15+) for a connection deadline, or errors.As into a net.Error and Timeout().',
    zh: {
      title: '用类型断言、Temporary() 或错误文本判断超时',
      description:
        '`err.(net.Error)` 会漏掉用 %w 包装的超时（内联写法 `err.(net.Error).Timeout()` 遇到其他错误还会 panic），Temporary() 自 Go 1.18 起已弃用，匹配消息中的 "i/o timeout" 会漏掉 HTTP 客户端超时和 keep-alive 超时。连接截止时间请用 errors.Is(err, os.ErrDeadlineExceeded)（Go 1.15+），否则用 errors.As 取出 net.Error 再调用 Timeout()。',
    },
    docs: 'timeout-error-assertion',
    messages: {
      inline: {
        en: '{err}.(net.Error).{m}() panics when {err} is not a net.Error (io.EOF)',
        zh: '当 {err} 不是 net.Error（io.EOF、被包装的错误）时，{err}.(net.Error).{m}() 会 panic',
      },
      assert: {
        en: '{err}.(net.Error) panics when {err} is not a net.Error (io.EOF, a wrapped error)',
        zh: '当 {err} 不是 net.Error（io.EOF、被包装的错误）时，{err}.(net.Error) 会 panic',
      },
      temporary: {
        en: 'Temporary() is deprecated since Go 1.18: it is not well-defined; retry on Timeout()',
        zh: 'Temporary() 自 Go 1.18 起已弃用：其含义不明确；应根据 Timeout() 重试',
      },
      'outer-as': {
        en: '{err}.(net.Error) sees only the outermost error; use errors.As(err, &ne) && ne.Timeout()',
        zh: '{err}.(net.Error) 只能看到最外层的错误；应使用 errors.As(err, &ne) && ne.Timeout()',
      },
      'outer-unwrap': {
        en: '{err}.(net.Error) sees only the outermost error; unwrap the error before asserting',
        zh: '{err}.(net.Error) 只能看到最外层的错误；应先解包错误再做类型断言',
      },
      keepalive: {
        en: '{err}.(net.Error).Timeout() is also true on keep-alive timeouts; use os.ErrDeadlineExceeded',
        zh: '{err}.(net.Error).Timeout() 在 keep-alive 超时时也为真；应使用 os.ErrDeadlineExceeded',
      },
      'temporary-call': {
        en: '{recv}.Temporary() is deprecated since Go 1.18: test {recv}.Timeout() or use errors.Is',
        zh: '{recv}.Temporary() 自 Go 1.18 起已弃用：应检查 {recv}.Timeout() 或使用 errors.Is',
      },
      'match-is': {
        en: 'matching "i/o timeout" in {err}.Error() depends on message text; use errors.Is',
        zh: '在 {err}.Error() 中匹配 "i/o timeout" 依赖于消息文本；应使用 errors.Is',
      },
      'match-as': {
        en: 'matching "i/o timeout" in {err}.Error() depends on message text; use errors.As',
        zh: '在 {err}.Error() 中匹配 "i/o timeout" 依赖于消息文本；应使用 errors.As',
      },
      'match-unwrap': {
        en: 'matching "i/o timeout" in {err}.Error() depends on message text; unwrap and test Timeout()',
        zh: '在 {err}.Error() 中匹配 "i/o timeout" 依赖于消息文本；应解包后检查 Timeout()',
      },
    },
  },
  check(ctx) {
    if (ctx.file.isTest) return;
    // net.Error needs package net; the text check needs the literal.
    if (!ctx.file.imports.has('net') && !ctx.text.includes('i/o timeout')) return;
    const reported = new Set<number>();
    for (const ta of ofType(ctx.tree.rootNode, 'type_assertion_expression')) {
      if (ctx.file.typeKind(ta.childForFieldName('type')) === 'net.Error') checkAssertion(ctx, ta, reported);
    }
    for (const call of ofType(ctx.tree.rootNode, 'call_expression')) {
      checkTemporary(ctx, call, reported);
      checkErrorText(ctx, call);
    }
  },
};

// ---------------------------------------------------------------------------------------------
// Where does the error come from?

const CONN_IO = new Set([
  'Read',
  'Write',
  'ReadFrom',
  'WriteTo',
  'ReadFromUDP',
  'WriteToUDP',
  'ReadMsgUDP',
  'WriteMsgUDP',
  'ReadFromUDPAddrPort',
  'WriteToUDPAddrPort',
  'ReadFromUnix',
  'WriteToUnix',
  'ReadMsgUnix',
  'WriteMsgUnix',
  'ReadFromIP',
  'WriteToIP',
  'Accept',
  'AcceptTCP',
  'AcceptUnix',
  'Handshake',
  'HandshakeContext',
]);
const IO_HELPERS = new Set([
  'io.ReadFull',
  'io.ReadAtLeast',
  'io.Copy',
  'io.CopyN',
  'io.CopyBuffer',
  'io.ReadAll',
  'io/ioutil.ReadAll',
  'fmt.Fprint',
  'fmt.Fprintf',
  'fmt.Fprintln',
]);
const BUFFERED = new Set([
  'bufio.NewReader',
  'bufio.NewReaderSize',
  'bufio.NewWriter',
  'bufio.NewWriterSize',
  'bufio.NewReadWriter',
  'bufio.NewScanner',
  'encoding/json.NewDecoder',
  'encoding/json.NewEncoder',
  'encoding/gob.NewDecoder',
  'encoding/gob.NewEncoder',
  'net/textproto.NewReader',
  'net/textproto.NewConn',
]);

/** The connection (as a path like `c.conn`) an expression reads or writes through, if it is one. */
function connPath(ctx: RuleContext, e: SyntaxNode | null | undefined, depth = 0): string | null {
  const n = unparen(e);
  if (!n || depth > 3) return null;
  const k = ctx.file.kindOf(n);
  if (isConn(k) || isListener(k)) return pathText(n);
  if (n.type === 'identifier') {
    // r := bufio.NewReader(conn) / dec := json.NewDecoder(conn)
    const v = unparen(ctx.file.binding(n)?.value?.expr);
    if (v?.type === 'call_expression' && BUFFERED.has(ctx.file.qualified(v.childForFieldName('function')) ?? '')) {
      for (const a of callArgs(v)) {
        const p = connPath(ctx, a, depth + 1);
        if (p) return p;
      }
    }
  }
  return null;
}

/** The statement that last assigned `name` before `at` (walking out through enclosing statement lists and if initializers). */
function reachingAssignment(at: SyntaxNode, name: string): SyntaxNode | null {
  let child: SyntaxNode = at;
  for (let p = at.parent; p; child = p, p = p.parent) {
    if (isFunctionNode(p)) return null;
    if (
      p.type === 'if_statement' ||
      p.type === 'for_statement' ||
      p.type === 'expression_switch_statement' ||
      p.type === 'type_switch_statement'
    ) {
      const init = p.childForFieldName('initializer');
      if (init && init.id !== child.id && init.endIndex <= child.startIndex && assignsTo(init, name)) return init;
    }
    if (p.type === 'statement_list') {
      const pos = positionInList(child);
      const stmts = pos?.stmts ?? [];
      for (let j = (pos?.index ?? 0) - 1; j >= 0; j--) {
        if (assignsTo(stmts[j], name)) return stmts[j];
        if (
          stmts[j].type === 'var_declaration' &&
          ofType(stmts[j], 'var_spec').some((s) => s.childrenForFieldName('name').some((x) => x?.text === name))
        )
          return stmts[j];
      }
    }
  }
  return null;
}

type Source = { kind: 'deadline' | 'conn'; conn: string } | { kind: 'other' };

/** Classifies where the error value `errExpr` (checked at `at`) comes from. */
function errorSource(ctx: RuleContext, errExpr: SyntaxNode, at: SyntaxNode): Source {
  const e = unparen(errExpr);
  if (!e || e.type !== 'identifier') return { kind: 'other' };
  const stmt = reachingAssignment(at, e.text);
  if (!stmt || (stmt.type !== 'short_var_declaration' && stmt.type !== 'assignment_statement')) return { kind: 'other' };
  const right = exprList(stmt.childForFieldName('right'));
  const call = right.length === 1 ? unparen(right[0]) : null;
  if (!call || call.type !== 'call_expression') return { kind: 'other' };
  let conn: string | null = null;
  const fn = unparen(call.childForFieldName('function'));
  const q = ctx.file.qualified(fn);
  if (q && IO_HELPERS.has(q)) {
    for (const a of callArgs(call)) if ((conn = connPath(ctx, a))) break;
  } else if (fn?.type === 'selector_expression') {
    const m = fn.childForFieldName('field')?.text ?? '';
    const recv = fn.childForFieldName('operand');
    const direct = ctx.file.kindOf(recv);
    // Read/Write/Accept… on a connection, or on a type we do not know (the package's own listener or
    // conn wrapper): such methods pass the connection's error through.
    const connLike = isConn(direct) || isListener(direct) || direct === null || direct.replace(/^\*/, '').startsWith('local.');
    if (connLike && CONN_IO.has(m)) conn = pathText(recv) ?? recv?.text ?? null;
    else if (!isConn(direct) && !isListener(direct) && /^(Read|Write|Peek|Decode|Encode|Scan|Flush|Discard)/.test(m))
      conn = connPath(ctx, recv);
  }
  if (!conn) return { kind: 'other' };
  // A deadline set on the same connection in this function makes it a deadline read/write.
  for (const c of ofType(outerFunction(at) ?? ctx.tree.rootNode, 'call_expression')) {
    const f = unparen(c.childForFieldName('function'));
    if (f?.type !== 'selector_expression') continue;
    if (!/^Set(Read|Write)?Deadline$/.test(f.childForFieldName('field')?.text ?? '')) continue;
    if (pathText(f.childForFieldName('operand')) === conn) return { kind: 'deadline', conn };
  }
  return { kind: 'conn', conn };
}

// ---------------------------------------------------------------------------------------------
// Replacements.

/** `errors.Is(err, os.ErrDeadlineExceeded)` for the deadline case, with its imports. */
function isDeadline(ctx: RuleContext, errText: string): { text: string; imports: string[] } {
  return { text: `${ctx.ref('errors', 'Is')}(${errText}, ${ctx.ref('os', 'ErrDeadlineExceeded')})`, imports: ['errors', 'os'] };
}

/** Wraps `text` in parentheses when it replaces `node` in a context that binds tighter than `&&`. */
function parenthesize(node: SyntaxNode, text: string): string {
  const p = node.parent;
  if (!p) return text;
  if (p.type === 'unary_expression' || p.type === 'selector_expression') return `(${text})`;
  if (p.type === 'binary_expression' && !['&&', '||'].includes(p.childForFieldName('operator')?.text ?? '')) return `(${text})`;
  return text;
}

/**
 * Edits replacing the boolean expression `node` (a timeout test on `errText`) by
 * `errors.As(err, &ne) && ne.Timeout()`, declaring `var ne net.Error` before the enclosing statement.
 */
function asEdits(ctx: RuleContext, node: SyntaxNode, errText: string): { edits: TextEdit[]; imports: string[]; name: string } | null {
  const st = statementLine(ctx.text, node);
  if (!st) return null;
  const name = freshName(ctx.file, node, ['ne', 'netErr', 'nerr']);
  const expr = `${ctx.ref('errors', 'As')}(${errText}, &${name}) && ${name}.Timeout()`;
  return {
    name,
    imports: ['errors', 'net'],
    edits: [
      { start: st.stmt.startIndex, end: st.stmt.startIndex, newText: `var ${name} ${ctx.ref('net', 'Error')}\n${st.indent}` },
      { start: node.startIndex, end: node.endIndex, newText: parenthesize(node, expr) },
    ],
  };
}

/** Fixes for an expression-level timeout test (`err.(net.Error).Timeout()`, `strings.Contains(err.Error(), "i/o timeout")`). */
function expressionFixes(ctx: RuleContext, node: SyntaxNode, errNode: SyntaxNode, src: Source, dropUnused = false): Fix[] {
  if (!ctx.goAtLeast('1.13')) return [];
  const errText = pathText(errNode);
  if (!errText) return [];
  const fixes: Fix[] = [];
  const canIs = src.kind !== 'other' && ctx.goAtLeast('1.15');
  const is = isDeadline(ctx, errText);
  // Imports used only in the replaced expression (strings, for the text match) go with it.
  const drop = dropUnused ? unusedImports(ctx.file, [{ start: node.startIndex, end: node.endIndex }]) : [];
  const imports = (edits: TextEdit[], paths: string[]) => withImports(ctx, edits, paths, drop);
  const isFix: Fix = {
    title: `Use ${is.text}`,
    edits: imports([{ start: node.startIndex, end: node.endIndex, newText: parenthesize(node, is.text) }], is.imports),
  };
  const as = asEdits(ctx, node, errText);
  const asFix: Fix | null = as
    ? { title: `Use errors.As(${errText}, &${as.name}) && ${as.name}.Timeout()`, edits: imports(as.edits, as.imports) }
    : null;
  if (canIs && src.kind === 'deadline') fixes.push({ ...isFix, preferred: true });
  if (asFix) fixes.push({ ...asFix, preferred: !(canIs && src.kind === 'deadline') });
  if (canIs && src.kind === 'conn') fixes.push(isFix);
  return fixes;
}

/**
 * What to use instead: for a deadline on a connection errors.Is(err, os.ErrDeadlineExceeded) (Go
 * 1.15+); errors.As(err, &ne) && ne.Timeout() otherwise (Go 1.13+); before Go 1.13, unwrap by hand.
 */
function advice(ctx: RuleContext, src: Source): 'is' | 'as' | 'unwrap' {
  if (src.kind === 'deadline' && ctx.goAtLeast('1.15')) return 'is';
  if (!ctx.goAtLeast('1.13')) return 'unwrap';
  return 'as';
}

// ---------------------------------------------------------------------------------------------
// err.(net.Error)

function checkAssertion(ctx: RuleContext, ta: SyntaxNode, reported: Set<number>): void {
  const errNode = ta.childForFieldName('operand');
  if (!errNode) return;
  let v: SyntaxNode = ta;
  while (v.parent?.type === 'parenthesized_expression') v = v.parent;
  // Inline: err.(net.Error).Timeout()
  const inline = methodCallOn(v);
  if (inline) {
    if (inline.name !== 'Timeout' && inline.name !== 'Temporary') return;
    const src = errorSource(ctx, errNode, ta);
    const fixes = inline.name === 'Timeout' ? expressionFixes(ctx, inline.call, errNode, src) : [];
    ctx.report(ta, { id: 'inline', args: { err: errNode.text, m: inline.name } }, fixes);
    return;
  }
  // ne, ok := err.(net.Error) / ne := err.(net.Error)
  const list = v.parent;
  const stmt = list?.parent;
  if (list?.type !== 'expression_list' || !stmt || !['short_var_declaration', 'assignment_statement', 'var_spec'].includes(stmt.type))
    return;
  const left =
    stmt.type === 'var_spec'
      ? stmt.childrenForFieldName('name').filter((x): x is SyntaxNode => !!x)
      : exprList(stmt.childForFieldName('left'));
  if (exprList(list).length !== 1 || (left.length !== 1 && left.length !== 2)) return;
  const neId = left[0];
  if (neId.type !== 'identifier' || neId.text === '_') return;
  const scopes = ctx.file.scopesFor(neId);
  const b = stmt.type === 'assignment_statement' ? ctx.file.binding(neId) : (scopes?.bindings.find((x) => x.decl.id === neId.id) ?? null);
  if (!b || !scopes) return;
  const uses = scopes.usesOf(b).filter((u) => u.startIndex > stmt.startIndex);
  const methods = new Set(uses.map((u) => methodCallOn(u)?.name).filter((m): m is string => m === 'Timeout' || m === 'Temporary'));
  if (!methods.size) return;
  reported.add(b.decl.id);
  const src = errorSource(ctx, errNode, ta);
  const e = errNode.text;
  const fixes = left.length === 2 && !methods.has('Temporary') ? assertionFixes(ctx, stmt, left[0], left[1], errNode, src, uses) : [];
  if (left.length === 1) {
    ctx.report(ta, { id: 'assert', args: { err: e } }, fixes);
    return;
  }
  if (methods.has('Temporary')) {
    ctx.report(ta, { id: 'temporary' }, fixes);
    return;
  }
  if (src.kind === 'other') {
    // A timeout wrapped with %w (or by another package) is missed.
    ctx.report(ta, { id: advice(ctx, src) === 'unwrap' ? 'outer-unwrap' : 'outer-as', args: { err: e } }, fixes);
    return;
  }
  // Straight from I/O on a connection: the assertion sees the real error. What remains is the Go 1.15
  // advice for deadlines: Timeout() is also true for a keep-alive timeout (Go 1.13), errors.Is is exact.
  if (src.kind === 'deadline' && ctx.goAtLeast('1.15')) {
    // A dead peer detected by TCP keep-alive (on by default since Go 1.13) is a timeout too.
    ctx.report(ta, { id: 'keepalive', args: { err: e } }, fixes);
  }
}

/** Fixes for `ne, ok := err.(net.Error)` followed by `ok && ne.Timeout()`. */
function assertionFixes(
  ctx: RuleContext,
  stmt: SyntaxNode,
  neId: SyntaxNode,
  okId: SyntaxNode,
  errNode: SyntaxNode,
  src: Source,
  neUses: SyntaxNode[],
): Fix[] {
  if (!ctx.goAtLeast('1.13')) return [];
  const errText = pathText(errNode);
  if (!errText || stmt.type === 'var_spec') return [];
  const netError = ctx.ref('net', 'Error');
  const asCall = `${ctx.ref('errors', 'As')}(${errText}, &${neId.text})`;
  const ifStmt = stmt.parent?.type === 'if_statement' && stmt.parent.childForFieldName('initializer')?.id === stmt.id ? stmt.parent : null;
  if (ifStmt) {
    // if ne, ok := err.(net.Error); ok && ne.Timeout() { … }
    const cond = ifStmt.childForFieldName('condition');
    const conj = conjuncts(cond);
    if (!cond || conj.length < 2 || conj[0].text !== okId.text || okId.type !== 'identifier') return [];
    const okUses = okId.text === '_' ? [] : usesOfDecl(ctx, okId).filter((u) => u.id !== conj[0].id);
    if (okUses.length) return [];
    const fixes: Fix[] = [];
    // errors.Is when ne is only used for that one Timeout() right after ok.
    const onlyTimeout = neUses.length === 1 && methodCallOn(neUses[0])?.call.id === conj[1].id;
    const canIs = src.kind !== 'other' && ctx.goAtLeast('1.15') && onlyTimeout;
    let isFix: Fix | null = null;
    if (canIs) {
      const is = isDeadline(ctx, errText);
      const tail = conj.length > 2 ? cond.text.slice(conj[2].startIndex - cond.startIndex) : '';
      isFix = {
        title: `Use ${is.text}`,
        edits: withImports(
          ctx,
          [{ start: stmt.startIndex, end: cond.endIndex, newText: tail ? `${is.text} && ${tail}` : is.text }],
          is.imports,
        ),
      };
    }
    const st = statementLine(ctx.text, ifStmt);
    let asFix: Fix | null = null;
    // The var moves out to the if's block; when its name is taken there (`if err, ok := err.(net.Error)`
    // shadows err), it gets a fresh name and its uses in the if are renamed.
    let name: string | null = neId.text;
    if (!nameFreeInBlock(ifStmt, name)) {
      name = freshName(ctx.file, ifStmt, ['ne', 'netErr', 'nerr']);
      if (name && !nameFreeInBlock(ifStmt, name)) name = null;
    }
    if (st && st.stmt.id === ifStmt.id && name) {
      const v = name;
      const renamed = (from: number, to: number) => {
        let out = '';
        let pos = from;
        for (const u of neUses.filter((x) => x.startIndex >= from && x.endIndex <= to).sort((a, b) => a.startIndex - b.startIndex)) {
          out += ctx.text.slice(pos, u.startIndex) + v;
          pos = u.endIndex;
        }
        return out + ctx.text.slice(pos, to);
      };
      const bodyUses = neUses.filter((u) => u.startIndex >= cond.endIndex);
      asFix = {
        title: `Use var ${v} net.Error; errors.As(${errText}, &${v}) && …`,
        edits: withImports(
          ctx,
          [
            { start: ifStmt.startIndex, end: ifStmt.startIndex, newText: `var ${v} ${netError}\n${st.indent}` },
            {
              start: stmt.startIndex,
              end: cond.endIndex,
              newText: `${ctx.ref('errors', 'As')}(${errText}, &${v}) && ${renamed(conj[1].startIndex, cond.endIndex)}`,
            },
            ...(v === neId.text ? [] : bodyUses.map((u) => ({ start: u.startIndex, end: u.endIndex, newText: v }))),
          ],
          ['errors', 'net'],
        ),
      };
    }
    if (isFix && src.kind === 'deadline') fixes.push({ ...isFix, preferred: true });
    if (asFix) fixes.push({ ...asFix, preferred: !(isFix && src.kind === 'deadline') });
    if (isFix && src.kind === 'conn') fixes.push(isFix);
    return fixes;
  }
  // A statement of its own: ne, ok := err.(net.Error)  →  var ne net.Error; ok := errors.As(err, &ne)
  if (stmt.parent?.type !== 'statement_list') return [];
  const st = statementLine(ctx.text, stmt);
  if (!st || st.stmt.id !== stmt.id) return [];
  if (stmt.type === 'assignment_statement') {
    return [
      {
        title: `Use ${okId.text} = ${asCall}`,
        preferred: true,
        edits: withImports(ctx, [{ start: stmt.startIndex, end: stmt.endIndex, newText: `${okId.text} = ${asCall}` }], ['errors']),
      },
    ];
  }
  // := : both names must be new here (no redeclaration), and not used elsewhere under the same name.
  if (declaredInBlockBefore(ctx, stmt, neId.text) || (okId.text !== '_' && declaredInBlockBefore(ctx, stmt, okId.text))) return [];
  const okPart = okId.text === '_' ? `_ = ${asCall}` : `${okId.text} := ${asCall}`;
  return [
    {
      title: `Use var ${neId.text} net.Error; ${okPart}`,
      preferred: true,
      edits: withImports(
        ctx,
        [{ start: stmt.startIndex, end: stmt.endIndex, newText: `var ${neId.text} ${netError}\n${st.indent}${okPart}` }],
        ['errors', 'net'],
      ),
    },
  ];
}

/** The operands of a chain of &&, left to right (iteratively: generated code chains thousands). */
function conjuncts(n: SyntaxNode | null | undefined): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  const todo: (SyntaxNode | null | undefined)[] = [n];
  while (todo.length) {
    const u = unparen(todo.pop());
    if (!u) continue;
    if (u.type === 'binary_expression' && u.childForFieldName('operator')?.text === '&&')
      todo.push(u.childForFieldName('right'), u.childForFieldName('left'));
    else out.push(u);
  }
  return out;
}

function usesOfDecl(ctx: RuleContext, id: SyntaxNode): SyntaxNode[] {
  const scopes = ctx.file.scopesFor(id);
  const b = scopes?.bindings.find((x) => x.decl.id === id.id);
  return b && scopes ? scopes.usesOf(b) : [];
}

/** The block (or case clause) a statement of a statement list belongs to. */
function blockOf(stmt: SyntaxNode): SyntaxNode | null {
  return stmt.parent?.type === 'statement_list' ? stmt.parent.parent : null;
}

/** Parameter (and result) names of the function whose body is `block`. */
function paramNames(block: SyntaxNode): Set<string> {
  const out = new Set<string>();
  const fn = block.parent;
  if (!isFunctionNode(fn) || fn!.childForFieldName('body')?.id !== block.id) return out;
  for (const field of ['receiver', 'parameters', 'result']) {
    for (const p of paramsOf(fn!.childForFieldName(field))) if (p.name) out.add(p.name.text);
  }
  return out;
}

/** A new `var name` before `stmt` is safe: `name` appears nowhere else in its block (nor as a parameter of a function body). */
function nameFreeInBlock(stmt: SyntaxNode, name: string): boolean {
  const block = blockOf(stmt);
  if (!block || paramNames(block).has(name)) return false;
  return !ofType(block, 'identifier').some((id) => id.text === name && !(id.startIndex >= stmt.startIndex && id.endIndex <= stmt.endIndex));
}

/** Is `name` declared in the same block before `stmt` (so that `ne, ok := …` there reused it)? */
function declaredInBlockBefore(ctx: RuleContext, stmt: SyntaxNode, name: string): boolean {
  const block = blockOf(stmt);
  if (!block) return true;
  if (paramNames(block).has(name)) return true;
  const scopes = ctx.file.scopesFor(stmt);
  if (!scopes) return true;
  return scopes.bindings.some((b) => b.name === name && b.decl.startIndex < stmt.startIndex && b.scope.id === block.id);
}

// ---------------------------------------------------------------------------------------------
// Temporary() on a net.Error that did not come from a type assertion (errors.As targets, params).

function checkTemporary(ctx: RuleContext, call: SyntaxNode, reported: Set<number>): void {
  const fn = unparen(call.childForFieldName('function'));
  if (fn?.type !== 'selector_expression' || fn.childForFieldName('field')?.text !== 'Temporary' || callArgs(call).length) return;
  const recv = unparen(fn.childForFieldName('operand'));
  if (!recv || recv.type === 'type_assertion_expression') return;
  if (ctx.file.kindOf(recv) !== 'net.Error') return;
  if (recv.type === 'identifier') {
    const b = ctx.file.binding(recv);
    if (b && reported.has(b.decl.id)) return;
    const v = unparen(b?.value?.expr);
    if (v?.type === 'type_assertion_expression') return; // reported with the assertion
  }
  ctx.report(call, { id: 'temporary-call', args: { recv: recv.text } });
}

// ---------------------------------------------------------------------------------------------
// strings.Contains(err.Error(), "i/o timeout")

function checkErrorText(ctx: RuleContext, call: SyntaxNode): void {
  const q = ctx.file.qualified(call.childForFieldName('function'));
  if (q !== 'strings.Contains' && q !== 'strings.HasSuffix') return;
  const [s, sub] = callArgs(call);
  const lit = stringValue(sub);
  if (!s || lit === null || !lit.includes('i/o timeout')) return;
  const m = unparen(s);
  if (m?.type !== 'call_expression' || callArgs(m).length) return;
  const f = unparen(m.childForFieldName('function'));
  if (f?.type !== 'selector_expression' || f.childForFieldName('field')?.text !== 'Error') return;
  const errNode = f.childForFieldName('operand')!;
  const src = errorSource(ctx, errNode, call);
  // When this was the file's last use of package strings, its import goes with it.
  const fixes = expressionFixes(ctx, call, errNode, src, true);
  // Timeouts worded differently (http.Client's "Client.Timeout exceeded") are missed.
  ctx.report(call, { id: `match-${advice(ctx, src)}`, args: { err: errNode.text } }, fixes);
}

export default rule;
