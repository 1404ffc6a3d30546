// Path-sensitive "is this value closed or handed off on every path?" analysis, shared by
// conn-not-closed, body-not-closed and closewrite-without-close.
//
// The walk is structural over the AST (Go has no irreducible control flow besides goto, which we
// treat as "stop, stay quiet"): from the statement that acquires a value, execute the rest of the
// function abstractly with a state per path:
//   OPEN   the value is live and still ours to close
//   SAFE   closed, deferred-closed, or handed to someone else (returned, stored, sent, ...)
//   NIL    the value is nil on this path (the error branch of its own call)
// A path that leaves the value's scope (return, end of function, end of the declaring block or
// loop iteration) while OPEN is a leak exit.
import type { SyntaxNode } from '../parser';
import type { FileFacts } from './package';
import type { Binding } from './scope';
import { isNoReturnCall, terminates } from './flow';
import { TooComplex } from '../limits';
import { callArgs, enclosingFunction, exprList, isFunctionNode, named, positionInList, statementsOf, unparen } from './syntax';
import { borrowsArg, isCloseMethod } from './thirdparty';

export type ValueShape = 'closer' | 'response';

export type State = 'OPEN' | 'SAFE' | 'NIL' | 'DEAD';

export interface LeakExit {
  /** The return/continue/break statement, or the block whose end falls out of scope. */
  node: SyntaxNode;
  kind: 'return' | 'scope-end' | 'jump' | 'overwrite';
}

export interface Tracked {
  shape: ValueShape;
  /** Bindings that denote the value (the original plus aliases like `tc := c.(*net.TCPConn)`). */
  bindings: Set<Binding>;
  /** The error identifier bound with the value (`c, err := ...`), whose first check guards it. */
  err: Binding | null;
}

/**
 * How deeply statements may nest before the walk gives up (TooComplex: the engine reports the file
 * as not fully analyzed). The walk recurses once per level; real code stays far below this.
 */
const MAX_NESTING = 1000;

/** How many leak exits a result lists (a fix touching more paths than this is no fix). */
export const MAX_EXITS = 50;

export interface LifecycleResult {
  /** The first MAX_EXITS leak exits, in execution order; `exitCount` says how many there are. */
  exits: LeakExit[];
  exitCount: number;
  /** Some use hands the value off (on some path). */
  handedOff: boolean;
  /** Some path closes it explicitly (not deferred). */
  closedExplicitly: boolean;
  deferredClose: boolean;
  /** Calls to CloseWrite/CloseRead on the value. */
  halfCloses: SyntaxNode[];
  /** Same-package functions the value was passed to that only borrow it (for messages and fixes). */
  borrowers: { call: SyntaxNode; fn: string }[];
}

type Guard = 'nil-then' | 'nil-else' | null;

/** The outcome of running the rest of a statement list from OPEN: its state and leak exits (shared tails). */
interface Suffix {
  state: State;
  exits: ExitList | null;
  count: number;
}

interface ExitList {
  exit: LeakExit;
  next: ExitList | null;
}

/** Calls that use a reader/writer/conn without taking ownership of it. */
const NON_OWNING = new Set([
  'io.Copy',
  'io.CopyN',
  'io.CopyBuffer',
  'io.ReadAll',
  'io.ReadFull',
  'io.ReadAtLeast',
  'io.WriteString',
  'io/ioutil.ReadAll',
  'io.LimitReader',
  'io.TeeReader',
  'io.MultiReader',
  'io.MultiWriter',
  'io.NewSectionReader',
  'bufio.NewReader',
  'bufio.NewReaderSize',
  'bufio.NewWriter',
  'bufio.NewWriterSize',
  'bufio.NewScanner',
  'bufio.NewReadWriter',
  'encoding/json.NewDecoder',
  'encoding/json.NewEncoder',
  'encoding/gob.NewDecoder',
  'encoding/gob.NewEncoder',
  'encoding/xml.NewDecoder',
  'encoding/xml.NewEncoder',
  'encoding/binary.Read',
  'encoding/binary.Write',
  'encoding/csv.NewReader',
  'encoding/csv.NewWriter',
  'fmt.Fprint',
  'fmt.Fprintf',
  'fmt.Fprintln',
  'fmt.Fscan',
  'fmt.Fscanf',
  'fmt.Fscanln',
  'fmt.Println',
  'fmt.Printf',
  'fmt.Sprintf',
  'fmt.Sprint',
  'fmt.Errorf',
  'log.Printf',
  'log.Println',
  'log.Print',
  'log.Fatalf',
  'log.Fatal',
  'log.Fatalln',
  'log.Panicf',
  'net/http/httputil.DumpResponse',
  'net/textproto.NewConn',
  'mime/multipart.NewReader',
  'compress/gzip.NewReader',
  'compress/flate.NewReader',
  'compress/zlib.NewReader',
  'errors.Is',
  'errors.As',
  'reflect.TypeOf',
  'reflect.ValueOf',
  'crypto/sha256.Sum256',
  'strings.NewReader',
  'html/template.New',
  'golang.org/x/net/html.Parse',
  'net.JoinHostPort',
]);

export class LifecycleAnalyzer {
  private res!: LifecycleResult;
  private t!: Tracked;
  /** The function whose scope holds the value. */
  private fnNode!: SyntaxNode;
  private isMain = false;

  constructor(private readonly file: FileFacts) {}

  /**
   * Runs the analysis for a value acquired by statement `acq` (its first binding is the value).
   * `startState` is OPEN for acquisitions; `fromEntry` analyses a parameter from the body start.
   */
  /** Sets the value and function context (also used alone by `paramSummary` for use classification). */
  prepare(t: Tracked, fnNode: SyntaxNode): void {
    this.t = t;
    this.fnNode = fnNode;
    const name = fnNode.childForFieldName('name')?.text;
    this.isMain = fnNode.type === 'function_declaration' && (name === 'main' || name === 'init') && this.file.packageName === 'main';
    this.res = { exits: [], exitCount: 0, handedOff: false, closedExplicitly: false, deferredClose: false, halfCloses: [], borrowers: [] };
  }

  private acqStmt: SyntaxNode | null = null;

  analyze(t: Tracked, acq: SyntaxNode, fnNode: SyntaxNode): LifecycleResult {
    this.prepare(t, fnNode);
    this.acqStmt = acq;
    if (this.closedByEarlierDefer(acq)) {
      this.res.deferredClose = true;
      return this.res;
    }
    // Uses inside the acquiring statement itself (e.g. `c, err := wrap(net.Dial(...))`) are not ours.
    let node: SyntaxNode = acq;
    let state: State = 'OPEN';
    // Climb: run the rest of each enclosing statement list, then leave the container.
    for (;;) {
      const list = node.parent;
      if (!list) break;
      if (list.type === 'statement_list') {
        const pos = positionInList(node);
        state = pos ? this.execList(pos.stmts, state, pos.index + 1) : state;
        if (state === 'DEAD') break;
        node = list;
        continue;
      }
      // Leaving a container.
      if (list.id === fnNode.id) {
        // Fell off the end of the function body (or an initializer-only construct).
        break;
      }
      if (list.type === 'block' && list.parent && list.parent.id === fnNode.id) {
        if (state === 'OPEN' && !this.isMain) this.addExit({ node: list, kind: 'scope-end' });
        state = 'DEAD';
        break;
      }
      if (list.type === 'if_statement' && node.type === 'short_var_declaration' && list.childForFieldName('initializer')?.id === node.id) {
        // `if c, err := dial(); err == nil { ... }`: the value lives in the if statement.
        state = this.execIfAfterInit(list, state);
        if (state === 'DEAD') break;
        if (state === 'OPEN' && this.isScopeOfValue(list)) {
          this.addExit({ node: list, kind: 'scope-end' });
          state = 'DEAD';
          break;
        }
      }
      if (this.isScopeOfValue(list) && state === 'OPEN') {
        // Falling out of the block that declares the value: it becomes unreachable.
        this.addExit({ node: list, kind: 'scope-end' });
        state = 'DEAD';
        break;
      }
      if (list.type === 'func_literal') break;
      // Falling out of a loop body that re-acquires into a variable declared outside the loop
      // (a retry loop): the next iteration overwrites the still-open value.
      if (list.type === 'block' && list.parent?.type === 'for_statement' && state === 'OPEN' && this.reacquiredBy(list.parent)) {
        this.addExit({ node: list, kind: 'overwrite' });
      }
      // Otherwise assume the loop ends and go on after it.
      node = list;
    }
    return this.res;
  }

  /** Leaving `n` loses the value: every name that denotes it (aliases included) is scoped inside `n`. */
  private isScopeOfValue(n: SyntaxNode): boolean {
    let any = false;
    for (const b of this.t.bindings) {
      if (b.scope.startIndex < n.startIndex || b.scope.endIndex > n.endIndex) return false;
      if (b.scope.id === n.id) any = true;
    }
    return any;
  }

  /**
   * A `defer` before the acquisition (on every path to it) that closes the value: a defer
   * statement in one of the statement lists around the acquisition. Found from the value's earlier
   * uses rather than by scanning those lists, which would be quadratic in a long function.
   */
  private closedByEarlierDefer(acq: SyntaxNode): boolean {
    const scopes = this.file.scopesFor(acq);
    if (!scopes) return false;
    const seen = new Set<number>();
    for (const b of this.t.bindings) {
      for (const use of scopes.usesOf(b)) {
        if (use.startIndex >= acq.startIndex) break;
        for (let st: SyntaxNode | null = use; st && st.parent && st.id !== this.fnNode.id; st = st.parent) {
          const list = st.parent;
          if (list.type !== 'statement_list' || list.startIndex > acq.startIndex || acq.endIndex > list.endIndex) continue;
          // Only the value's own function: a defer in an enclosing one runs at a different time.
          if (list.startIndex < this.fnNode.startIndex || list.endIndex > this.fnNode.endIndex) break;
          // The statement of a list around the acquisition that holds this use.
          if (st.type === 'defer_statement' && !seen.has(st.id)) {
            seen.add(st.id);
            const call = unparen(st.namedChild(0));
            if (call && this.closesValue(call)) return true;
            const fn = call && unparen(call.childForFieldName('function'));
            if (fn?.type === 'func_literal' && this.scanClosure(fn) === 'close') return true;
          }
          break;
        }
      }
    }
    return false;
  }

  private execList(stmts: readonly SyntaxNode[], state: State, from = 0): State {
    for (let i = from; i < stmts.length; i++) {
      if (state === 'DEAD' || state === 'SAFE' || state === 'NIL') return state;
      if (stmts[i].startIndex > this.lastMention()) return this.execUnmentioned(stmts, i);
      state = this.exec(stmts[i], state);
    }
    return state;
  }

  private mentionEnd = -1;
  private mentionBindings = -1;

  /** Where the last mention of the value (any of its names, or its error) ends; recomputed when an alias joins. */
  private lastMention(): number {
    if (this.mentionBindings !== this.t.bindings.size) {
      this.mentionBindings = this.t.bindings.size;
      const scopes = this.file.scopesFor(this.fnNode);
      this.mentionEnd = -1;
      // The value's error variable counts: its checks are guards (see guardOf).
      for (const b of this.t.err ? [...this.t.bindings, this.t.err] : this.t.bindings) {
        this.mentionEnd = Math.max(this.mentionEnd, b.decl.endIndex);
        for (const u of scopes?.usesOf(b) ?? []) this.mentionEnd = Math.max(this.mentionEnd, u.endIndex);
      }
    }
    return this.mentionEnd;
  }

  /**
   * Runs `stmts[from..]`, none of which mentions the value or its error variable, from OPEN. Such a
   * run depends on the value only through its shape, whether it is a named result and how it
   * relates to the loops a break or continue there leaves, so its outcome is memoized per file
   * under those: a function that acquires thousands of values walks each statement once per
   * distinct context instead of once per value (linear, not quadratic). Iterative: lists can be
   * tens of thousands of statements long.
   */
  private execUnmentioned(stmts: readonly SyntaxNode[], from: number): State {
    const list = stmts[from].parent;
    if (!list || list.type !== 'statement_list') {
      let state: State = 'OPEN';
      for (let i = from; i < stmts.length && state === 'OPEN'; i++) state = this.exec(stmts[i], state);
      return state;
    }
    const table = this.suffixTable(list);
    const pending: { i: number; state: State; exits: LeakExit[] }[] = [];
    let tail: Suffix | undefined;
    for (let i = from; ; i++) {
      tail = table.get(i);
      if (tail) break;
      if (i >= stmts.length) {
        tail = { state: 'OPEN', exits: null, count: 0 };
        break;
      }
      // Collect this statement's own exits apart: they become part of the memo.
      const outer = this.sink;
      this.sink = [];
      const state = this.exec(stmts[i], 'OPEN');
      pending.push({ i, state, exits: this.sink });
      this.sink = outer;
      if (state !== 'OPEN') break;
    }
    let acc = tail;
    for (let k = pending.length - 1; k >= 0; k--) {
      const p = pending[k];
      const open = p.state === 'OPEN';
      let exits = open ? acc!.exits : null;
      for (let e = p.exits.length - 1; e >= 0; e--) exits = { exit: p.exits[e], next: exits };
      acc = { state: open ? acc!.state : p.state, exits, count: p.exits.length + (open ? acc!.count : 0) };
      table.set(p.i, acc);
    }
    if (this.sink) for (let e = acc!.exits; e; e = e.next) this.sink.push(e.exit);
    else {
      // Only the first few are listed: walking a shared tail of thousands per value would be quadratic again.
      for (let e = acc!.exits; e && this.res.exits.length < MAX_EXITS; e = e.next) this.res.exits.push(e.exit);
      this.res.exitCount += acc!.count;
    }
    return acc!.state;
  }

  /** Where exits go while `execUnmentioned` runs one statement for its memo (null: the result). */
  private sink: LeakExit[] | null = null;

  private addExit(e: LeakExit): void {
    if (this.sink) this.sink.push(e);
    else {
      this.res.exitCount++;
      if (this.res.exits.length < MAX_EXITS) this.res.exits.push(e);
    }
  }

  /** The memo of `execUnmentioned` for one statement list and what of the value matters there. */
  private suffixTable(list: SyntaxNode): Map<number, Suffix> {
    // The loops a `continue` and a `break` in the list leave (a break in a switch leaves the switch).
    let cont: SyntaxNode | null = null;
    let brk: SyntaxNode | null | undefined;
    for (let p = list.parent; p && !cont; p = p.parent) {
      if (isFunctionNode(p)) break;
      if (p.type === 'for_statement') {
        cont = p;
        if (brk === undefined) brk = p;
      } else if (
        brk === undefined &&
        (p.type === 'expression_switch_statement' || p.type === 'type_switch_statement' || p.type === 'select_statement')
      )
        brk = null;
    }
    const loopKey = (l: SyntaxNode | null | undefined) => (l ? `${+this.declaredInside(l)}${+this.reacquiredBy(l)}` : '-');
    let namedResult = false;
    for (const b of this.t.bindings) if (b.typeNode && !b.isParam && b.scope.id === this.fnNode.id) namedResult = true;
    const key = `lifecycle:suffix:${list.id}:${this.t.shape}:${+namedResult}:${+this.isMain}:${loopKey(cont)}:${loopKey(brk)}`;
    const memo = this.file.pkg.memo;
    let table = memo.get(key) as Map<number, Suffix> | undefined;
    if (!table) memo.set(key, (table = new Map()));
    return table;
  }

  private join(states: State[]): State {
    const live = states.filter((s) => s !== 'DEAD');
    if (!live.length) return 'DEAD';
    if (live.includes('OPEN')) return 'OPEN';
    if (live.every((s) => s === 'NIL')) return 'NIL';
    return 'SAFE';
  }

  /** Statements being executed (nested); past MAX_NESTING the function is too complex for us. */
  private depth = 0;

  private exec(s: SyntaxNode, state: State): State {
    if (state !== 'OPEN') return state;
    // `a: b: stmt` nests one labeled statement per label.
    while (s.type === 'labeled_statement') {
      const inner = named(s).find((c) => c.type !== 'label_name');
      if (!inner) return state;
      s = inner;
    }
    if (++this.depth > MAX_NESTING) throw new TooComplex('statements nested too deeply');
    try {
      return this.execStatement(s, state);
    } finally {
      this.depth--;
    }
  }

  private execStatement(s: SyntaxNode, state: State): State {
    switch (s.type) {
      case 'return_statement': {
        const r = this.scanUses(s);
        if (r === 'SAFE' || this.returnsValue(s)) return 'DEAD';
        if (!this.isMain) this.addExit({ node: s, kind: 'return' });
        return 'DEAD';
      }
      case 'expression_statement': {
        const e = unparen(s.namedChild(0));
        const r = this.scanUses(s);
        if (r !== 'OPEN') return r;
        if (e && isNoReturnCall(e, this.file)) return 'DEAD';
        return 'OPEN';
      }
      case 'if_statement':
        return this.execIf(s, state);
      case 'for_statement':
        return this.execFor(s, state);
      case 'expression_switch_statement':
      case 'type_switch_statement':
      case 'select_statement':
        return this.execSwitch(s, state);
      case 'block':
        return this.execList(statementsOf(s), state);
      case 'continue_statement':
      case 'break_statement': {
        // Leaving a loop iteration/body: the value escapes its scope when it was declared inside.
        const loop = enclosingLoop(s);
        if (loop && this.declaredInside(loop)) {
          this.addExit({ node: s, kind: 'jump' });
          return 'DEAD';
        }
        if (loop && s.type === 'continue_statement' && this.reacquiredBy(loop)) {
          this.addExit({ node: s, kind: 'overwrite' });
        }
        return 'DEAD';
      }
      case 'goto_statement':
        return 'DEAD';
      case 'defer_statement':
        return this.execDefer(s);
      case 'go_statement':
        return this.scanUses(s);
      default:
        return this.scanUses(s);
    }
  }

  /** The loop contains the acquiring statement and the value lives outside it: iterations overwrite it. */
  private reacquiredBy(loop: SyntaxNode): boolean {
    if (!this.acqStmt || this.acqStmt.startIndex < loop.startIndex || this.acqStmt.endIndex > loop.endIndex) return false;
    if (this.acqStmt.type !== 'assignment_statement') return false;
    for (const b of this.t.bindings) if (loop.startIndex <= b.decl.startIndex && b.decl.endIndex <= loop.endIndex) return false;
    return true;
  }

  private declaredInside(n: SyntaxNode): boolean {
    for (const b of this.t.bindings) if (n.startIndex <= b.decl.startIndex && b.decl.endIndex <= n.endIndex) return true;
    return false;
  }

  private execDefer(s: SyntaxNode): State {
    const call = unparen(s.namedChild(0));
    if (!call) return 'OPEN';
    if (this.closesValue(call)) {
      this.res.deferredClose = true;
      return 'SAFE';
    }
    const fn = unparen(call.childForFieldName('function'));
    if (fn?.type === 'func_literal') {
      const u = this.scanClosure(fn);
      if (u === 'close') {
        this.res.deferredClose = true;
        return 'SAFE';
      }
      if (u === 'handoff') {
        this.res.handedOff = true;
        return 'SAFE';
      }
      return 'OPEN';
    }
    // `defer closeQuietly(c)`, `defer wg.Done()`: arguments are evaluated now, call runs at exit.
    return this.scanUses(s);
  }

  private cond(s: SyntaxNode): { then: State; else: State } {
    const c = unparen(s.childForFieldName('condition'));
    const guard = this.guardOf(c);
    if (guard === 'nil-then') return { then: 'NIL', else: 'OPEN' };
    if (guard === 'nil-else') return { then: 'OPEN', else: 'NIL' };
    return { then: 'OPEN', else: 'OPEN' };
  }

  /**
   * `err != nil` (the value's own err) or `x == nil`: which branch has a nil value. Conditions
   * joined by || and && are combined bottom-up without recursion (generated code chains thousands).
   */
  private guardOf(c: SyntaxNode | null): Guard {
    if (!c) return null;
    const logical = (n: SyntaxNode) => {
      if (n.type !== 'binary_expression') return null;
      const op = n.childForFieldName('operator')?.text;
      return op === '||' || op === '&&' ? op : null;
    };
    // Pre-order over the ||/&& tree; walked backwards, every node comes after its operands.
    const order: SyntaxNode[] = [];
    const stack = [c];
    while (stack.length) {
      const n = stack.pop()!;
      order.push(n);
      if (!logical(n)) continue;
      const l = unparen(n.childForFieldName('left'));
      const r = unparen(n.childForFieldName('right'));
      if (l && r) stack.push(r, l);
    }
    const value = new Map<number, Guard>();
    for (let i = order.length - 1; i >= 0; i--) {
      const n = order[i];
      const op = logical(n);
      const l = op ? unparen(n.childForFieldName('left')) : null;
      const r = op ? unparen(n.childForFieldName('right')) : null;
      if (!op) value.set(n.id, this.guardLeaf(n));
      else if (!l || !r) value.set(n.id, null);
      else {
        const a = value.get(l.id)!;
        const b = value.get(r.id)!;
        // ||: then a || b, else !a && !b.  &&: then a && b (either guard holds), else unknown.
        if (op === '||')
          value.set(n.id, a === 'nil-then' && b === 'nil-then' ? 'nil-then' : a === 'nil-else' || b === 'nil-else' ? 'nil-else' : null);
        else value.set(n.id, a === 'nil-then' || b === 'nil-then' ? 'nil-then' : null);
      }
    }
    return value.get(c.id)!;
  }

  /** `guardOf` for a condition that is not joined by || or &&. */
  private guardLeaf(c: SyntaxNode): Guard {
    if (c.type === 'binary_expression') {
      const op = c.childForFieldName('operator')?.text;
      const l = unparen(c.childForFieldName('left'));
      const r = unparen(c.childForFieldName('right'));
      if (!l || !r) return null;
      if (op === '==' && this.t.err) {
        // `err == io.EOF`, `err == ErrX`: true only for a non-nil err.
        const e =
          l.type === 'identifier' && this.file.binding(l) === this.t.err
            ? r
            : r.type === 'identifier' && this.file.binding(r) === this.t.err
              ? l
              : null;
        if (e && e.type !== 'nil') return 'nil-then';
      }
      if (op !== '==' && op !== '!=') return null;
      const other = l.type === 'nil' ? r : r.type === 'nil' ? l : null;
      // `resp.Body != nil`: a nil Body has nothing to close.
      if (other && this.t.shape === 'response' && other.type === 'selector_expression' && this.isValueRef(other, true))
        return op === '==' ? 'nil-then' : 'nil-else';
      if (!other || other.type !== 'identifier') return null;
      const b = this.file.binding(other);
      if (!b) return null;
      if (this.t.err && b === this.t.err) return op === '!=' ? 'nil-then' : 'nil-else';
      if (this.t.bindings.has(b)) return op === '==' ? 'nil-then' : 'nil-else';
    }
    if (c.type === 'call_expression' && this.t.err) {
      // `isTemporary(err)`, `errors.Is(err, x)`, `os.IsTimeout(err)`: classifiers of a non-nil error.
      for (const a of callArgs(c)) {
        const u = unparen(a);
        if (u?.type === 'identifier' && this.file.binding(u) === this.t.err) return 'nil-then';
      }
    }
    return null;
  }

  /**
   * An if statement and its else-if chain, iteratively (a chain nests one level per `else if`):
   * the join of every branch's outcome. `skipInit`: the first initializer was run by the caller.
   */
  private execIf(s: SyntaxNode, state: State, skipInit = false): State {
    const outs: State[] = [];
    for (let cur: SyntaxNode = s; ;) {
      const first = skipInit && cur === s;
      const init = first ? null : cur.childForFieldName('initializer');
      if (init) {
        const st = this.exec(init, state);
        if (st !== 'OPEN') return this.join([...outs, st]);
      }
      const r = first ? 'OPEN' : this.scanExpr(cur.childForFieldName('condition'));
      if (r !== 'OPEN') return this.join([...outs, r]);
      const { then, else: els } = this.cond(cur);
      const conseq = cur.childForFieldName('consequence');
      const alt = cur.childForFieldName('alternative');
      outs.push(then === 'OPEN' ? this.execList(statementsOf(conseq), state) : this.branchDead(conseq, then));
      if (!alt) outs.push(els);
      else if (els !== 'OPEN') outs.push(this.branchDead(alt, els));
      else if (alt.type === 'if_statement') {
        cur = alt;
        continue;
      } else outs.push(this.execList(statementsOf(alt), state));
      return this.join(outs);
    }
  }

  private execIfAfterInit(s: SyntaxNode, state: State): State {
    return this.execIf(s, state, true);
  }

  /** A branch where the value is nil: it still may end the flow (return) — then it is DEAD. */
  private branchDead(block: SyntaxNode | null, st: State): State {
    if (!block) return st;
    const stmts = block.type === 'if_statement' ? [block] : statementsOf(block);
    const last = stmts[stmts.length - 1];
    if (
      last &&
      (last.type === 'return_statement' ||
        last.type === 'continue_statement' ||
        last.type === 'break_statement' ||
        last.type === 'goto_statement')
    )
      return 'DEAD';
    if (last?.type === 'expression_statement') {
      const e = unparen(last.namedChild(0));
      if (e && isNoReturnCall(e, this.file)) return 'DEAD';
    }
    return st;
  }

  private execFor(s: SyntaxNode, state: State): State {
    for (const c of named(s)) {
      if (c.type === 'for_clause' || c.type === 'range_clause') {
        const r = this.scanExpr(c);
        if (r !== 'OPEN') return r;
      } else if (c.type !== 'block' && c.type !== 'comment') {
        const r = this.scanExpr(c);
        if (r !== 'OPEN') return r;
      }
    }
    const body = s.childForFieldName('body');
    const bodyEnd = this.execList(statementsOf(body), state);
    const infinite = !named(s).some((c) => c.type !== 'block' && c.type !== 'comment');
    const breaks = body ? hasBreakFor(body, s) : false;
    if (infinite && !breaks) {
      // `for { ... }` without break: only returns inside leave it.
      return 'DEAD';
    }
    return this.join([state, bodyEnd === 'NIL' ? 'OPEN' : bodyEnd]);
  }

  private execSwitch(s: SyntaxNode, state: State): State {
    for (const c of named(s)) {
      if (c.type === 'expression_case' || c.type === 'type_case' || c.type === 'communication_case' || c.type === 'default_case') continue;
      if (c.type === 'block') continue;
      const r = c.type === 'short_var_declaration' || c.type === 'assignment_statement' ? this.exec(c, state) : this.scanExpr(c);
      if (r !== 'OPEN') return r;
    }
    const outs: State[] = [];
    let hasDefault = false;
    for (const c of named(s)) {
      if (c.type === 'default_case') hasDefault = true;
      if (c.type === 'expression_case' || c.type === 'type_case' || c.type === 'communication_case' || c.type === 'default_case') {
        let st: State = state;
        const comm = c.childForFieldName('communication');
        if (comm) st = this.exec(comm, st);
        const v = c.childForFieldName('value');
        if (v && st === 'OPEN') st = this.scanExpr(v);
        if (st === 'OPEN') st = this.execList(statementsOf(c), st);
        outs.push(st);
      }
    }
    if (!hasDefault && s.type !== 'select_statement') outs.push(state);
    return this.join(outs);
  }

  /** Does a call close the value (`c.Close()`, `resp.Body.Close()`, `closeConn(c)` that closes)? */
  private closesValue(call: SyntaxNode): boolean {
    if (call.type !== 'call_expression') return false;
    const fn = unparen(call.childForFieldName('function'));
    if (!fn) return false;
    if (fn.type === 'selector_expression') {
      const name = fn.childForFieldName('field')?.text ?? '';
      const recv = unparen(fn.childForFieldName('operand'));
      if (recv && isCloseMethod(this.file.kindOf(recv), name) && this.isValueRef(recv, true)) return true;
    }
    return false;
  }

  /**
   * Is `n` a reference to the value: the identifier (or an alias), for responses `resp.Body`
   * (`bodyOnly` requires the Body for responses, as closing the response means closing its Body).
   */
  private isValueRef(n: SyntaxNode, bodyOnly = false): boolean {
    const u = unparen(n);
    if (!u) return false;
    if (this.t.shape === 'response') {
      if (u.type === 'selector_expression' && u.childForFieldName('field')?.text === 'Body')
        return this.isIdent(u.childForFieldName('operand'));
      return !bodyOnly && this.isIdent(u);
    }
    if (u.type === 'type_assertion_expression') return this.isIdent(u.childForFieldName('operand'));
    return this.isIdent(u);
  }

  private isIdent(n: SyntaxNode | null): boolean {
    const u = unparen(n);
    if (!u || u.type !== 'identifier') return false;
    const b = this.file.binding(u);
    return !!b && this.t.bindings.has(b);
  }

  private returnsValue(ret: SyntaxNode): boolean {
    const vals = exprList(named(ret)[0]);
    if (!vals.length) {
      // Bare return with named results: the value is returned when it is one of them.
      for (const b of this.t.bindings) if (b.typeNode && !b.isParam && b.scope.id === this.fnNode.id) return true;
      return false;
    }
    return false;
  }

  /** Scans a statement (not descending into nested statements' bodies) for uses of the value. */
  private scanUses(s: SyntaxNode): State {
    return this.scanExpr(s);
  }

  /**
   * Classifies every use of the value inside `root`: close → SAFE, hand-off → SAFE (and noted),
   * borrowing uses keep OPEN. Nested function literals are classified as a whole.
   */
  private scanExpr(root: SyntaxNode | null): State {
    if (!root) return 'OPEN';
    let out: State = 'OPEN';
    const stack: SyntaxNode[] = [root];
    while (stack.length) {
      const n = stack.pop()!;
      if (n.type === 'func_literal') {
        const u = this.scanClosure(n);
        if (u === 'close' || u === 'handoff') {
          if (u === 'handoff') this.res.handedOff = true;
          else this.res.closedExplicitly = true;
          out = 'SAFE';
        }
        continue;
      }
      if (n.type === 'identifier') {
        const b = this.file.binding(n);
        if (b && this.t.bindings.has(b)) {
          const u = this.classifyUse(n);
          if (u === 'close') {
            this.res.closedExplicitly = true;
            out = 'SAFE';
          } else if (u === 'handoff') {
            this.res.handedOff = true;
            out = 'SAFE';
          }
        }
        continue;
      }
      const kids = named(n);
      for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
    }
    return out;
  }

  /** A closure mentioning the value: does it close it, hand it off, or only borrow it? */
  private scanClosure(fn: SyntaxNode): 'close' | 'handoff' | 'borrow' | 'none' {
    let result: 'close' | 'handoff' | 'borrow' | 'none' = 'none';
    for (const id of identifiersIn(fn)) {
      const b = this.file.binding(id);
      if (!b || !this.t.bindings.has(b)) continue;
      const u = this.classifyUse(id);
      if (u === 'close') return 'close';
      if (u === 'handoff') result = 'handoff';
      else if (result === 'none') result = 'borrow';
    }
    return result;
  }

  /** What one identifier occurrence of the value does with it. */
  classifyUse(id: SyntaxNode): 'close' | 'handoff' | 'borrow' | 'alias' {
    let cur: SyntaxNode = id;
    let p = cur.parent;
    // Walk through wrappers that denote the same value.
    while (
      p &&
      (p.type === 'parenthesized_expression' || (p.type === 'type_assertion_expression' && p.childForFieldName('operand')?.id === cur.id))
    ) {
      cur = p;
      p = p.parent;
    }
    if (!p) return 'borrow';
    // resp.Body / c.Method
    if (p.type === 'selector_expression' && p.childForFieldName('operand')?.id === cur.id) {
      const field = p.childForFieldName('field')?.text ?? '';
      const gp = p.parent;
      if (gp?.type === 'call_expression' && gp.childForFieldName('function')?.id === p.id) {
        if (this.t.shape === 'closer' && isCloseMethod(this.file.kindOf(cur), field)) return 'close';
        if (field === 'CloseWrite' || field === 'CloseRead') this.res.halfCloses.push(gp);
        return 'borrow';
      }
      if (this.t.shape === 'response' && field === 'Body') {
        // resp.Body used as a value: resp.Body.Close(), io.ReadAll(resp.Body), return resp.Body ...
        const gpp = gp;
        if (gpp?.type === 'selector_expression' && gpp.childForFieldName('operand')?.id === p.id) {
          const f2 = gpp.childForFieldName('field')?.text ?? '';
          const call = gpp.parent;
          if (call?.type === 'call_expression' && call.childForFieldName('function')?.id === gpp.id && f2 === 'Close') return 'close';
          // Method value `resp.Body.Close` passed somewhere (e.g. to a cleanup helper).
          if (f2 === 'Close') return 'handoff';
          return 'borrow';
        }
        return this.classifyValuePosition(p);
      }
      // Method value (`c.Close` without call) escaping: treat as hand-off (someone will call it).
      if (field === 'Close' && gp?.type !== 'call_expression') return 'handoff';
      if (field === 'Close' && gp?.type === 'call_expression' && gp.childForFieldName('function')?.id !== p.id) return 'handoff';
      return 'borrow';
    }
    return this.classifyValuePosition(cur);
  }

  /** The value itself (or resp.Body) appears as an expression: where does it go? */
  private classifyValuePosition(cur: SyntaxNode): 'close' | 'handoff' | 'borrow' | 'alias' {
    const p = cur.parent;
    if (!p) return 'borrow';
    switch (p.type) {
      case 'binary_expression':
        return 'borrow'; // comparisons
      case 'expression_list': {
        const gp = p.parent;
        if (!gp) return 'borrow';
        if (gp.type === 'return_statement') return 'handoff';
        if (gp.type === 'short_var_declaration' || gp.type === 'assignment_statement' || gp.type === 'var_spec') {
          const right = gp.childForFieldName(gp.type === 'var_spec' ? 'value' : 'right');
          if (right?.id !== p.id) return 'borrow'; // being assigned to (reassignment) — not a use
          // y := x (alias) or s.f = x (stored)
          const left = exprList(gp.childForFieldName(gp.type === 'var_spec' ? 'name' : 'left'));
          const idx = exprList(p).findIndex((e) => e.id === cur.id);
          const target = gp.type === 'var_spec' ? named(gp).filter((c) => c.type === 'identifier')[idx] : left[idx];
          if (target && target.type === 'identifier') {
            if (target.text === '_') return 'borrow';
            const tb = this.file.binding(target) ?? this.file.scopesFor(target)?.resolve(target) ?? null;
            const decl = tb ?? null;
            if (
              decl &&
              (gp.type === 'short_var_declaration' || gp.type === 'var_spec' || decl.scope.startIndex >= this.fnNode.startIndex)
            ) {
              // A local alias: track it as the same value.
              const b2 = this.file.scopesFor(target)?.resolve(target);
              if (b2 && b2.scope.startIndex >= this.fnNode.startIndex && b2.scope.endIndex <= this.fnNode.endIndex && !b2.isParam) {
                this.t.bindings.add(b2);
                return 'alias';
              }
            }
          }
          return 'handoff';
        }
        if (gp.type === 'send_statement') return 'handoff';
        return 'handoff';
      }
      case 'argument_list': {
        const call = p.parent!;
        return this.classifyArg(call, cur);
      }
      case 'send_statement':
        return 'handoff';
      case 'keyed_element':
      case 'literal_element':
      case 'literal_value':
        return 'handoff';
      case 'unary_expression':
        return 'handoff'; // &x
      case 'index_expression': {
        // `conns[c] = struct{}{}` keeps c as a key (a registry); `seen[c]`, `m[c] == x` only use it.
        const list = p.parent;
        const stmt = list?.parent;
        const stored =
          p.childForFieldName('index')?.id === cur.id &&
          list?.type === 'expression_list' &&
          stmt?.type === 'assignment_statement' &&
          stmt.childForFieldName('left')?.id === list.id;
        return stored ? 'handoff' : 'borrow';
      }
      case 'if_statement':
      case 'expression_switch_statement':
        return 'borrow';
      case 'type_switch_statement':
        return 'borrow';
      default:
        return 'handoff';
    }
  }

  private classifyArg(call: SyntaxNode, arg: SyntaxNode): 'close' | 'handoff' | 'borrow' {
    const fn = unparen(call.childForFieldName('function'));
    if (!fn) return 'handoff';
    if (fn.type === 'identifier' && (fn.text === 'len' || fn.text === 'cap' || fn.text === 'print' || fn.text === 'println'))
      return 'borrow';
    if (fn.type === 'identifier' && fn.text === 'append') return 'handoff';
    const q = this.file.qualified(fn);
    if (q) {
      if (NON_OWNING.has(q)) return 'borrow';
      if (
        borrowsArg(
          q,
          callArgs(call).findIndex((a) => a.id === arg.id),
          this.file.kindOf(arg),
        )
      )
        return 'borrow';
      return 'handoff';
    }
    // Same-package function: use its summary.
    const args = callArgs(call);
    const idx = args.findIndex((a) => a.id === arg.id);
    let target = null as null | { key: string };
    if (fn.type === 'identifier' && !this.file.binding(fn)) target = { key: fn.text };
    else if (fn.type === 'selector_expression') {
      const recvKind = this.file.kindOf(fn.childForFieldName('operand'));
      const name = fn.childForFieldName('field')?.text ?? '';
      if (recvKind?.replace(/^\*/, '').startsWith('local.')) target = { key: `${recvKind.replace(/^\*?local\./, '')}.${name}` };
      else if (this.isIdent(fn.childForFieldName('operand')) || this.isValueRef(fn.childForFieldName('operand')!)) return 'borrow';
      else if (this.file.kindOf(fn.childForFieldName('operand')) && !recvKind?.startsWith('local.')) {
        // A method of a std type we know (e.g. bufio.Writer) taking the value: unknown ownership.
        return 'handoff';
      }
    }
    if (target && idx >= 0) {
      const s = paramSummary(this.file, target.key, idx, this.t.shape);
      if (s === 'borrows') {
        this.res.borrowers.push({ call, fn: target.key });
        return 'borrow';
      }
      if (s === 'closes') return 'close';
    }
    return 'handoff';
  }
}

function enclosingLoop(n: SyntaxNode): SyntaxNode | null {
  for (let p = n.parent; p; p = p.parent) {
    if (p.type === 'for_statement') return p;
    if (isFunctionNode(p)) return null;
    if (
      (p.type === 'expression_switch_statement' || p.type === 'type_switch_statement' || p.type === 'select_statement') &&
      n.type === 'break_statement'
    )
      return null;
  }
  return null;
}

function hasBreakFor(body: SyntaxNode, loop: SyntaxNode): boolean {
  const stack = [body];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'break_statement') {
      const label = n.namedChild(0);
      if (label) {
        const ls = loop.parent;
        if (ls?.type === 'labeled_statement' && named(ls)[0]?.text === label.text) return true;
      } else if (enclosingLoop(n)?.id === loop.id) {
        let inSwitch = false;
        for (let p = n.parent; p && p.id !== loop.id; p = p.parent) {
          if (p.type === 'expression_switch_statement' || p.type === 'type_switch_statement' || p.type === 'select_statement')
            inSwitch = true;
        }
        if (!inSwitch) return true;
      }
    }
    if (n.type === 'func_literal') continue;
    if (n.type === 'for_statement' && n.id !== loop.id) {
      // Labeled breaks may still target our loop.
      for (const k of named(n)) stack.push(k);
      continue;
    }
    for (const k of named(n)) stack.push(k);
  }
  return false;
}

function identifiersIn(n: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  const stack = [n];
  while (stack.length) {
    const c = stack.pop()!;
    if (c.type === 'identifier') out.push(c);
    for (const k of named(c)) stack.push(k);
  }
  return out;
}

/**
 * Does a same-package function close, keep (hand off), or only borrow its parameter `idx`?
 * Borrowing callees do not take ownership: the caller must still close the value.
 */
export function paramSummary(
  file: FileFacts,
  key: string,
  idx: number,
  shape: ValueShape,
  depth = 0,
): 'closes' | 'keeps' | 'borrows' | 'unknown' {
  const pkg = file.pkg;
  const memoKey = `lifecycle:summary:${key}:${idx}:${shape}`;
  if (pkg.memo.has(memoKey)) return pkg.memo.get(memoKey) as 'closes' | 'keeps' | 'borrows' | 'unknown';
  pkg.memo.set(memoKey, 'unknown'); // recursion guard
  const f = pkg.funcs.get(key);
  let out: 'closes' | 'keeps' | 'borrows' | 'unknown' = 'unknown';
  if (f && depth < 6) {
    const param = f.params[idx];
    // Variadic or unnamed parameters: unknown.
    const body = f.node.childForFieldName('body');
    if (param && param.name !== '_' && body) {
      const scopes = f.file.scopesFor(body);
      const b = scopes?.bindings.find((x) => x.isParam && x.name === param.name && x.scope.id === f.node.id) ?? null;
      if (b && scopes) {
        const an = new LifecycleAnalyzer(f.file);
        const t: Tracked = { shape, bindings: new Set([b]), err: null };
        let closes = false;
        let keeps = false;
        an.prepare(t, f.node);
        for (const use of scopes.usesOf(b)) {
          const u = an.classifyUse(use);
          if (u === 'close') closes = true;
          else if (u === 'handoff') keeps = true;
        }
        // Closures that close it count (defer func(){ c.Close() }()).
        out = closes ? 'closes' : keeps ? 'keeps' : 'borrows';
      }
    }
  }
  pkg.memo.set(memoKey, out);
  return out;
}

export interface Acquisition {
  /** The statement that binds the value (`c, err := net.Dial(...)`). */
  stmt: SyntaxNode;
  call: SyntaxNode;
  /** The value's identifier on the left, or null when the result is discarded (`_`, expression statement). */
  ident: SyntaxNode | null;
  binding: Binding | null;
  err: Binding | null;
  /** The function (declaration or literal) that owns the value. */
  fn: SyntaxNode;
  kind: string;
  /** For wrappers (`tls.Client(raw, cfg)`): the wrapped value, whose Close also closes this one. */
  wrapped: Binding[];
}

/** Constructors whose result wraps their first argument: closing either closes the socket. */
const WRAPPERS = new Set(['crypto/tls.Client', 'crypto/tls.Server', 'crypto/tls.NewListener']);

/**
 * Statements in the file that acquire a value of the given shape from a call: closers are
 * connections and listeners, responses are *http.Response. Memoized per file.
 */
export function acquisitions(file: FileFacts, shape: ValueShape, isKind: (k: string | null) => boolean): Acquisition[] {
  // conn-not-closed and closewrite-without-close ask for the same list.
  const memoKey = `lifecycle:acquisitions:${file.path}:${shape}:${isKind.name}`;
  const memo = file.pkg.memo;
  const hit = memo.get(memoKey) as Acquisition[] | undefined;
  if (hit && isKind.name) return hit;
  const out: Acquisition[] = [];
  const stack: SyntaxNode[] = [file.tree.rootNode];
  while (stack.length) {
    const n = stack.pop()!;
    for (const k of named(n)) stack.push(k);
    let call: SyntaxNode | null = null;
    let left: SyntaxNode[] = [];
    if (n.type === 'short_var_declaration' || (n.type === 'assignment_statement' && n.childForFieldName('operator')?.text === '=')) {
      const right = exprList(n.childForFieldName('right'));
      if (right.length !== 1) continue;
      call = unparen(right[0]);
      left = exprList(n.childForFieldName('left'));
    } else if (n.type === 'expression_statement') {
      call = unparen(n.namedChild(0));
    } else continue;
    if (!call || call.type !== 'call_expression') continue;
    const kind = file.callResults(call)?.[0] ?? null;
    if (!isKind(kind)) continue;
    if (!isFreshCall(file, call, shape)) continue;
    const fn = enclosingFunction(n);
    if (!fn) continue;
    const first = left[0];
    if (first && first.type !== 'identifier') continue; // stored straight into a field or index: handed off
    const ident = first && first.text !== '_' ? first : null;
    const binding = ident ? file.binding(ident) : null;
    if (ident && !binding) continue; // a package-level variable: stored
    if (binding && !(binding.scope.startIndex >= fn.startIndex && binding.scope.endIndex <= fn.endIndex)) continue; // captured from outside
    if (binding && binding.isParam) continue;
    const errIdent = left.length >= 2 ? left[left.length - 1] : null;
    const err = errIdent && errIdent.type === 'identifier' && errIdent.text !== '_' ? file.binding(errIdent) : null;
    const wrapped: Binding[] = [];
    const q = file.qualified(call.childForFieldName('function'));
    if (q && WRAPPERS.has(q)) {
      // Wrapping a connection someone else owns (a parameter, a field) creates no new resource.
      const arg = unparen(callArgs(call)[0]);
      const wb = arg?.type === 'identifier' ? file.binding(arg) : null;
      if (!wb || wb.isParam) continue;
      wrapped.push(wb);
    }
    out.push({ stmt: n, call, ident, binding, err, fn, kind: kind!, wrapped });
  }
  out.sort((a, b) => a.stmt.startIndex - b.stmt.startIndex);
  memo.set(memoKey, out);
  return out;
}

/**
 * Does this call hand the caller a new resource it must close? Standard constructors do; a
 * function of this package does when it returns such a value without closing it (a dial helper),
 * not when it returns a stored one (a getter) or an already-closed response (a "Do" that reads
 * the body for you).
 */
export function isFreshCall(file: FileFacts, call: SyntaxNode, shape: ValueShape, depth = 0): boolean {
  const fn = unparen(call.childForFieldName('function'));
  if (!fn) return false;
  const q = file.qualified(fn);
  if (q) return true; // a standard constructor (callResults already matched it)
  let key: string | null = null;
  if (fn.type === 'identifier' && !file.binding(fn)) key = fn.text;
  else if (fn.type === 'selector_expression') {
    const recvKind = file.kindOf(fn.childForFieldName('operand'));
    const name = fn.childForFieldName('field')?.text ?? '';
    if (recvKind && !recvKind.replace(/^\*/, '').startsWith('local.')) return true; // std method (Accept, Do, ...)
    if (recvKind) key = `${recvKind.replace(/^\*?local\./, '')}.${name}`;
  }
  if (!key || depth > 4) return false;
  const memoKey = `lifecycle:fresh:${key}:${shape}`;
  const memo = file.pkg.memo;
  if (memo.has(memoKey)) return memo.get(memoKey) as boolean;
  memo.set(memoKey, false);
  const f = file.pkg.funcs.get(key);
  let fresh = false;
  // Interface methods shaped like the std ones that create resources (Do, Dial, Accept, ...).
  // A method that also returns the body bytes ((*Response, []byte, error)) has consumed it already.
  if (f?.iface) fresh = f.results.length <= 2 && /^(Do|Get|Post|Head|PostForm|RoundTrip|Dial\w*|Accept\w*|Listen\w*)$/.test(f.name);
  const body = f?.node.childForFieldName('body');
  if (f && body) {
    for (const ret of body.descendantsOfType('return_statement')) {
      if (enclosingFunction(ret)?.id !== f.node.id) continue;
      const first = unparen(exprList(named(ret)[0])[0]);
      if (!first) continue;
      if (first.type === 'call_expression') {
        const k = f.file.callResults(first)?.[0] ?? null;
        if (k && isFreshCall(f.file, first, shape, depth + 1)) fresh = true;
      } else if (first.type === 'identifier') {
        let b = f.file.binding(first);
        let v = b?.value ? unparen(b.value.expr) : null;
        // `tlsCn := cn.(*tls.Conn)`: follow the assertion back to the dialed value.
        if (v?.type === 'type_assertion_expression') {
          const op = unparen(v.childForFieldName('operand'));
          b = op?.type === 'identifier' ? f.file.binding(op) : null;
          v = b?.value ? unparen(b.value.expr) : null;
        }
        if (b && v?.type === 'call_expression' && f.file.callResults(v)?.[b.value!.index] && isFreshCall(f.file, v, shape, depth + 1)) {
          // Returned as it came, unless the function closes it first (e.g. reads and closes the body)
          // or also keeps it (a cache: `c.conn = conn; return conn` hands out a shared value).
          const scopes = f.file.scopesFor(first);
          const an = new LifecycleAnalyzer(f.file);
          an.prepare({ shape, bindings: new Set([b]), err: null }, f.node);
          const kept = (u: SyntaxNode) => {
            const c = an.classifyUse(u);
            return c === 'close' || (c === 'handoff' && !ancestorOfType(u, 'return_statement', f.node));
          };
          if (!scopes?.usesOf(b).some(kept)) fresh = true;
        }
      }
      if (fresh) break;
    }
  }
  memo.set(memoKey, fresh);
  return fresh;
}

/** The nearest ancestor of `n` of this type below `stop`, or null. */
function ancestorOfType(n: SyntaxNode, type: string, stop: SyntaxNode): SyntaxNode | null {
  for (let p = n.parent; p && p.id !== stop.id; p = p.parent) if (p.type === type) return p;
  return null;
}

/** Runs the lifecycle analysis for an acquisition; memoized on the package per statement. */
export function analyzeAcquisition(file: FileFacts, a: Acquisition, shape: ValueShape): LifecycleResult | null {
  if (!a.binding) return null;
  const key = `lifecycle:acq:${file.path}:${a.stmt.id}:${shape}`;
  const memo = file.pkg.memo;
  if (memo.has(key)) return memo.get(key) as LifecycleResult;
  const res = new LifecycleAnalyzer(file).analyze({ shape, bindings: new Set([a.binding, ...a.wrapped]), err: a.err }, a.stmt, a.fn);
  memo.set(key, res);
  return res;
}

/** The `if err != nil { ... }` right after the acquisition (same list) that guards it, if any. */
export function guardAfter(a: Acquisition, file?: FileFacts): SyntaxNode | null {
  const pos = a.err ? positionInList(a.stmt) : null;
  if (!pos || !a.err) return null;
  const next = pos.stmts[pos.index + 1];
  if (!next || next.type !== 'if_statement' || next.childForFieldName('initializer')) return null;
  const c = unparen(next.childForFieldName('condition'));
  if (!c || c.type !== 'binary_expression' || c.childForFieldName('operator')?.text !== '!=') return null;
  const l = unparen(c.childForFieldName('left'));
  const r = unparen(c.childForFieldName('right'));
  if (l?.type === 'identifier' && l.text === a.err.name && r?.type === 'nil') {
    // Only a check that leaves the flow makes the value non-nil afterwards.
    if (file && !terminates(next.childForFieldName('consequence'), file)) return null;
    return next;
  }
  return null;
}
