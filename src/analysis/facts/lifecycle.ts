// Path-sensitive "is this value closed or handed off on every path?" analysis, shared by
// conn-not-closed, body-not-closed and closewrite-without-close, and by the function summaries
// (facts/summaries.ts) that tell callers what a helper does with a value it is given or returns.
//
// The walk is structural over the AST (Go has no irreducible control flow besides goto, which we
// treat as "stop, stay quiet"): from the statement that acquires a value, execute the rest of the
// function abstractly with a state per path:
//   OPEN     the value is live and still ours to close; its own error variable guards it
//   OPEN_R   the same, but that error variable was reassigned (`err = f(c)`): `err != nil` no longer
//            says the value is nil
//   PENDING  passed to a call that takes it only when it succeeds (`s, err := mux.Client(c)`): a
//            failing check of that call's error makes it OPEN again
//   CLOSED   closed or deferred-closed;  KEPT  handed to someone else (returned, stored, sent, ...)
//   NIL      the value is nil on this path (the error branch of its own call)
// A path that leaves the value's scope (return, end of function, end of the declaring block or
// loop iteration, or an assignment that overwrites it) while OPEN is a leak exit.
import type { SyntaxNode } from '../parser';
import type { FileFacts } from './package';
import type { Binding } from './scope';
import { isNoReturnCall, terminates } from './flow';
import { TooComplex } from '../limits';
import { constructorResults, methodResults } from './kinds';
import { calleeSummary, isFreshBySummary, paramFate, type FuncSummary } from './summaries';
import { callArgs, enclosingFunction, exprList, isFunctionNode, named, positionInList, statementsOf, unparen } from './syntax';
import { borrowsArg, isCloseMethod } from './thirdparty';

export type ValueShape = 'closer' | 'response';

export type State = 'OPEN' | 'OPEN_R' | 'PENDING' | 'CLOSED' | 'KEPT' | 'NIL' | 'DEAD';

const isOpen = (s: State): boolean => s === 'OPEN' || s === 'OPEN_R';
const isTaken = (s: State): boolean => s === 'CLOSED' || s === 'KEPT';

export interface LeakExit {
  /** The return/continue/break statement, the block whose end falls out of scope, or the overwriting assignment. */
  node: SyntaxNode;
  kind: 'return' | 'scope-end' | 'jump' | 'overwrite';
}

/** Every way out of the function the walk reached, with the value's state there (for summaries). */
export interface Exit {
  node: SyntaxNode;
  kind: 'return' | 'end';
  state: State;
  /** For returns: the result index that carries the value (returned as it is or wrapped), if any. */
  returned: number | null;
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

type Guard = 'nil-then' | 'nil-else' | null;

export interface LifecycleResult {
  /** The first MAX_EXITS leak exits, in execution order; `exitCount` says how many there are. */
  exits: LeakExit[];
  exitCount: number;
  /** Every function exit reached, open or not (filled for summaries). */
  all: Exit[];
  /** Some use hands the value off (on some path). */
  handedOff: boolean;
  /** Some path closes it explicitly (not deferred). */
  closedExplicitly: boolean;
  deferredClose: boolean;
  /** Calls to CloseWrite/CloseRead on the value. */
  halfCloses: SyntaxNode[];
  /** Functions the value was passed to that only borrow it (for messages and fixes). */
  borrowers: { call: SyntaxNode; fn: string }[];
  /** Some open path joined one where the value was taken (summaries: its later exits are not "never taken"). */
  merged?: boolean;
}

/** What one occurrence of the value does with it. */
type Use =
  | { k: 'close' }
  | { k: 'handoff' }
  | { k: 'borrow' }
  | { k: 'alias' }
  /** What happens depends on the call's error (`err`): the state when it failed and when it did not. */
  | { k: 'pending'; err: Binding | null; fail: State; ok: State }
  /** Kept inside the call's result, now held by `into` (null: the result is dropped). */
  | { k: 'wrap'; into: Binding | null };

const CLOSE: Use = { k: 'close' };
const HANDOFF: Use = { k: 'handoff' };
const BORROW: Use = { k: 'borrow' };
const ALIAS: Use = { k: 'alias' };

/** Calls that use a reader/writer/conn without taking ownership of it. */
export const NON_OWNING = new Set([
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
  'fmt.Print',
  'fmt.Println',
  'fmt.Printf',
  'fmt.Sprintf',
  'fmt.Sprint',
  'fmt.Sprintln',
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

/** Builtins that only look at their arguments (`append` stores them: a hand-off). */
const BUILTINS = new Set(['len', 'cap', 'print', 'println', 'close', 'delete', 'copy', 'clear', 'min', 'max', 'append']);

/** Constructors whose result wraps their first argument: closing either closes the socket. */
const WRAPPERS = new Set(['crypto/tls.Client', 'crypto/tls.Server', 'crypto/tls.NewListener']);

export class LifecycleAnalyzer {
  private res!: LifecycleResult;
  private t!: Tracked;
  /** The function whose scope holds the value. */
  private fnNode!: SyntaxNode;
  private isMain = false;
  /** The binding the value was acquired into: overwriting it while open loses the value. */
  private primary: Binding | null = null;
  /** Response shape: local names for the response's Body (`body := resp.Body`). */
  private bodies = new Set<Binding>();
  /** Error variables of calls whose success decides the value's fate: the state when each fails / succeeds. */
  private pending = new Map<Binding, { fail: State; ok: State }>();
  /** Summary mode: walk on after the value is taken, to see which exits take it and which do not. */
  private walkAll = false;
  /** Locals that wrap the value (`w := &wrapper{conn: c}`, `s, err := mux.Client(c)`): their methods may close or keep it. */
  private wrappers = new Set<Binding>();
  /**
   * Operands of the conditions the acquisition sits under (`na.Network` in `if strings.HasPrefix(na.Network, "ip")`):
   * a later `if` testing them again is correlated with whether the value was acquired at all.
   */
  private acqConds = new Set<string>();
  /** Inside such a correlated `if`: leaks there are on paths we cannot tell are feasible. */
  private quiet = 0;
  private acqStmt: SyntaxNode | null = null;

  constructor(private readonly file: FileFacts) {}

  /** Sets the value and function context (also used alone by rules for use classification). */
  prepare(t: Tracked, fnNode: SyntaxNode): void {
    this.t = t;
    this.fnNode = fnNode;
    const name = fnNode.childForFieldName('name')?.text;
    this.isMain = fnNode.type === 'function_declaration' && (name === 'main' || name === 'init') && this.file.packageName === 'main';
    this.res = {
      exits: [],
      exitCount: 0,
      all: [],
      handedOff: false,
      closedExplicitly: false,
      deferredClose: false,
      halfCloses: [],
      borrowers: [],
    };
    this.primary = t.bindings.values().next().value ?? null;
    this.bodies = new Set();
    this.pending = new Map();
    this.wrappers = new Set();
    this.acqConds = new Set();
    this.quiet = 0;
  }

  private leak(e: LeakExit): void {
    if (this.quiet > 0) return;
    if (this.sink) this.sink.push(e);
    else {
      this.res.exitCount++;
      if (this.res.exits.length < MAX_EXITS) this.res.exits.push(e);
    }
  }

  /** Where exits go while `execUnmentioned` runs one statement for its memo (null: the result). */
  private sink: LeakExit[] | null = null;

  /** Operands of the if/switch conditions enclosing the acquisition inside its function. */
  private collectAcqConds(acq: SyntaxNode): void {
    for (let p = acq.parent; p && p.id !== this.fnNode.id; p = p.parent) {
      const cond =
        p.type === 'if_statement'
          ? p.childForFieldName('condition')
          : p.type === 'expression_switch_statement'
            ? p.childForFieldName('value')
            : null;
      if (!cond || (cond.startIndex <= acq.startIndex && acq.endIndex <= cond.endIndex)) continue;
      for (const k of operandKeys(cond, this.file)) this.acqConds.add(k);
    }
  }

  /**
   * Runs the analysis for a value acquired by statement `acq` (its first binding is the value).
   */
  analyze(t: Tracked, acq: SyntaxNode, fnNode: SyntaxNode): LifecycleResult {
    this.prepare(t, fnNode);
    this.acqStmt = acq;
    this.collectAcqConds(acq);
    if (this.closedByEarlierDefer(acq)) {
      this.res.deferredClose = true;
      return this.res;
    }
    this.climb(acq, 'OPEN');
    return this.res;
  }

  /**
   * Summary mode: what the function does with a value it holds from its start (a parameter) or
   * from statement `acq`, on every exit (taken, returned, or left with the caller).
   */
  summarize(t: Tracked, fnNode: SyntaxNode, acq: SyntaxNode | null, opts: { wrapper?: boolean } = {}): LifecycleResult {
    this.prepare(t, fnNode);
    this.walkAll = true;
    // A method's receiver holds the resource in a field: its methods and goroutines may close or keep it.
    if (opts.wrapper && this.primary) this.wrappers.add(this.primary);
    this.acqStmt = acq;
    if (acq) {
      if (this.closedByEarlierDefer(acq)) {
        this.res.deferredClose = true;
        return this.res;
      }
      this.climb(acq, 'OPEN');
      return this.res;
    }
    const body = fnNode.childForFieldName('body');
    const end = this.execList(statementsOf(body), 'OPEN');
    if (end !== 'DEAD' && body) this.res.all.push({ node: body, kind: 'end', state: end, returned: null });
    return this.res;
  }

  /** Runs the rest of each statement list enclosing `from`, leaving containers outwards. */
  private climb(from: SyntaxNode, state: State): void {
    const fnNode = this.fnNode;
    let node: SyntaxNode = from;
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
      if (list.id === fnNode.id) break;
      if (list.type === 'block' && list.parent && list.parent.id === fnNode.id) {
        if (isOpen(state) && !this.isMain) this.leak({ node: list, kind: 'scope-end' });
        this.res.all.push({ node: list, kind: 'end', state, returned: null });
        state = 'DEAD';
        break;
      }
      if (list.type === 'if_statement' && node.type === 'short_var_declaration' && list.childForFieldName('initializer')?.id === node.id) {
        // `if c, err := dial(); err == nil { ... }`: the value lives in the if statement.
        state = this.execIfAfterInit(list, state);
        if (state === 'DEAD') break;
        if (isOpen(state) && this.isScopeOfValue(list)) {
          this.leak({ node: list, kind: 'scope-end' });
          state = 'DEAD';
          break;
        }
      }
      if (this.isScopeOfValue(list) && isOpen(state)) {
        // Falling out of the block that declares the value: it becomes unreachable.
        this.leak({ node: list, kind: 'scope-end' });
        state = 'DEAD';
        break;
      }
      if (list.type === 'func_literal') break;
      // Falling out of a loop body that re-acquires into a variable declared outside the loop
      // (a retry loop): the next iteration overwrites the still-open value.
      if (list.type === 'block' && list.parent?.type === 'for_statement' && isOpen(state) && this.reacquiredBy(list.parent)) {
        this.leak({ node: list, kind: 'overwrite' });
      }
      // Otherwise assume the loop ends and go on after it.
      node = list;
    }
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

  /** States the walk goes on from: open values, and in summary mode taken ones too (to reach their exits). */
  private live(s: State): boolean {
    return isOpen(s) || s === 'PENDING' || (this.walkAll && isTaken(s));
  }

  private execList(stmts: readonly SyntaxNode[], state: State, from = 0): State {
    for (let i = from; i < stmts.length; i++) {
      if (!this.live(state)) return state;
      if (state === 'OPEN' && this.memoizable() && stmts[i].startIndex > this.lastMention()) return this.execUnmentioned(stmts, i);
      state = this.exec(stmts[i], state);
    }
    return state;
  }

  /**
   * Runs of statements that never mention the value can be shared between values (execUnmentioned)
   * only in the plain acquisition walk: summaries record every exit, correlated conditions silence
   * some, and a pending call's error checks are mentions of another variable.
   */
  private memoizable(): boolean {
    return !this.walkAll && this.quiet === 0 && this.acqConds.size === 0 && this.pending.size === 0;
  }

  private mentionEnd = -1;
  private mentionSize = -1;

  /** Where the last mention of the value (any of its names, or its error) ends; recomputed when an alias joins. */
  private lastMention(): number {
    const size = this.t.bindings.size + this.bodies.size;
    if (this.mentionSize !== size) {
      this.mentionSize = size;
      const scopes = this.file.scopesFor(this.fnNode);
      this.mentionEnd = -1;
      // The value's error variable counts: its checks are guards (see guardOf).
      const names = [...this.t.bindings, ...this.bodies];
      if (this.t.err) names.push(this.t.err);
      for (const b of names) {
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
    // Summaries: a path that took the value merged into one that did not makes the later exits "some paths".
    if (live.some(isOpen) && live.some((s) => isTaken(s) || s === 'PENDING')) this.res.merged = true;
    // Precision first: a path where the error variable may still be the value's own keeps guarding.
    if (live.includes('OPEN')) return 'OPEN';
    if (live.includes('OPEN_R')) return 'OPEN_R';
    if (live.includes('PENDING')) return 'PENDING';
    if (live.every((s) => s === 'NIL')) return 'NIL';
    if (live.every((s) => s === 'CLOSED' || s === 'NIL')) return 'CLOSED';
    return 'KEPT';
  }

  /** Statements being executed (nested); past MAX_NESTING the function is too complex for us. */
  private depth = 0;

  private exec(s: SyntaxNode, state: State): State {
    if (!this.live(state)) return state;
    // `a: b: stmt` nests one labeled statement per label.
    while (s.type === 'labeled_statement') {
      const inner = named(s).find((c) => c.type !== 'label_name');
      if (!inner) return state;
      s = inner;
    }
    if (++this.depth > MAX_NESTING) throw new TooComplex('statements nested too deeply');
    try {
      return isTaken(state) ? this.execTaken(s, state) : this.execStatement(s, state);
    } finally {
      this.depth--;
    }
  }

  private execStatement(s: SyntaxNode, state: State): State {
    switch (s.type) {
      case 'return_statement': {
        const before = state;
        const r = this.scanUses(s);
        const after = this.after(before, r);
        const returned = this.returnedIndex(s);
        if (isOpen(after) && returned === null && !this.returnsValue(s) && !this.isMain) this.leak({ node: s, kind: 'return' });
        this.res.all.push({ node: s, kind: 'return', state: returned !== null && isOpen(after) ? 'KEPT' : after, returned });
        return 'DEAD';
      }
      case 'expression_statement': {
        const e = unparen(s.namedChild(0));
        const r = this.after(state, this.scanUses(s));
        if (e && isNoReturnCall(e, this.file)) return 'DEAD';
        return r;
      }
      case 'short_var_declaration':
      case 'assignment_statement':
        return this.execAssign(s, state);
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
        if (state === 'PENDING') return 'DEAD';
        // Leaving a loop iteration/body: the value escapes its scope when it was declared inside.
        const loop = enclosingLoop(s);
        if (loop && this.declaredInside(loop)) {
          this.leak({ node: s, kind: 'jump' });
          return 'DEAD';
        }
        if (loop && s.type === 'continue_statement' && this.reacquiredBy(loop)) {
          this.leak({ node: s, kind: 'overwrite' });
        }
        return 'DEAD';
      }
      case 'goto_statement':
        return 'DEAD';
      case 'defer_statement':
        return this.execDefer(s, state);
      default:
        return this.after(state, this.scanUses(s));
    }
  }

  /** Summary mode after the value was taken: only follow control flow to the function's exits. */
  private execTaken(s: SyntaxNode, state: State): State {
    switch (s.type) {
      case 'return_statement':
        this.res.all.push({ node: s, kind: 'return', state, returned: null });
        return 'DEAD';
      case 'expression_statement': {
        const e = unparen(s.namedChild(0));
        return e && isNoReturnCall(e, this.file) ? 'DEAD' : state;
      }
      case 'if_statement': {
        // The else-if chain iteratively, like execIf.
        const outs: State[] = [];
        for (let cur: SyntaxNode = s; ;) {
          outs.push(this.execList(statementsOf(cur.childForFieldName('consequence')), state));
          const alt = cur.childForFieldName('alternative');
          if (alt?.type === 'if_statement') {
            cur = alt;
            continue;
          }
          outs.push(alt ? this.execList(statementsOf(alt), state) : state);
          return this.join(outs);
        }
      }
      case 'for_statement': {
        const body = s.childForFieldName('body');
        this.execList(statementsOf(body), state);
        const infinite = !named(s).some((c) => c.type !== 'block' && c.type !== 'comment');
        return infinite && !(body && hasBreakFor(body, s)) ? 'DEAD' : state;
      }
      case 'expression_switch_statement':
      case 'type_switch_statement':
      case 'select_statement': {
        const outs: State[] = [];
        let hasDefault = false;
        for (const c of named(s)) {
          if (c.type === 'default_case') hasDefault = true;
          if (c.type === 'expression_case' || c.type === 'type_case' || c.type === 'communication_case' || c.type === 'default_case')
            outs.push(this.execList(statementsOf(c), state));
        }
        if (!hasDefault && s.type !== 'select_statement') outs.push(state);
        return this.join(outs);
      }
      case 'block':
        return this.execList(statementsOf(s), state);
      case 'continue_statement':
      case 'break_statement':
      case 'goto_statement':
        return 'DEAD';
      default:
        return state;
    }
  }

  /** The state after a statement whose uses of the value came out as `r` (OPEN = nothing happened). */
  private after(before: State, r: State): State {
    if (r === 'OPEN') return before;
    return r;
  }

  /** `x, err := f(c)` / `err = g(c)` / `resp, err = http.Get(u)`: uses on the right, then what the left overwrites. */
  private execAssign(s: SyntaxNode, state: State): State {
    const before = state;
    this.lastWrapInto = [];
    this.lastWrapBody = false;
    state = this.after(state, this.scanUses(s));
    if (!this.live(state)) return state;
    const left = exprList(s.childForFieldName('left'));
    for (const l of left) {
      const u = unparen(l);
      if (!u) continue;
      if (u.type === 'identifier') {
        const b = s.type === 'short_var_declaration' ? null : this.file.binding(u);
        if (!b) continue;
        if (this.t.err && b === this.t.err && state === 'OPEN') state = 'OPEN_R';
        if (this.t.bindings.has(b) && !this.lastWrapInto.includes(b)) {
          if (b === this.primary && isOpen(before) && isOpen(state)) {
            // `resp, err = http.Get(u)` while the previous response is still open: it is lost.
            this.leak({ node: s, kind: 'overwrite' });
            return 'DEAD';
          }
          // An alias assigned something else keeps counting as the value: the walk's sets are not
          // per path, and forgetting it on one branch would report the other branch's close as missing.
        }
      } else if (u.type === 'selector_expression' && this.t.shape === 'response' && u.childForFieldName('field')?.text === 'Body') {
        // `resp.Body = io.NopCloser(...)` before the original Body is closed loses it.
        if (this.isIdent(u.childForFieldName('operand')) && isOpen(state) && !this.lastWrapBody) {
          this.leak({ node: s, kind: 'overwrite' });
          return 'DEAD';
        }
      }
    }
    return state;
  }

  /** Bindings that received a wrapper of the value in the statement being executed. */
  private lastWrapInto: Binding[] = [];
  /** The statement wraps `resp.Body` into a value assigned back to `resp.Body`. */
  private lastWrapBody = false;

  private execDefer(s: SyntaxNode, state: State): State {
    const call = unparen(s.namedChild(0));
    if (!call) return state;
    if (this.closesValue(call)) {
      this.res.deferredClose = true;
      return 'CLOSED';
    }
    const fn = unparen(call.childForFieldName('function'));
    if (fn?.type === 'func_literal') {
      const u = this.scanClosure(fn);
      if (u === 'close') {
        this.res.deferredClose = true;
        return 'CLOSED';
      }
      if (u === 'handoff') {
        this.res.handedOff = true;
        return 'KEPT';
      }
      return state;
    }
    // `defer closeQuietly(c)`, `defer wg.Done()`: arguments are evaluated now, call runs at exit.
    return this.after(state, this.scanUses(s));
  }

  private cond(s: SyntaxNode, state: State): { then: State; else: State } {
    const c = unparen(s.childForFieldName('condition'));
    if (state === 'PENDING') {
      const f = this.failGuard(c);
      if (f) return f.then ? { then: f.rec.fail, else: f.rec.ok } : { then: f.rec.ok, else: f.rec.fail };
    }
    const guard = this.guardOf(c, state);
    if (guard === 'nil-then') return { then: 'NIL', else: state };
    if (guard === 'nil-else') return { then: state, else: 'NIL' };
    return { then: state, else: state };
  }

  /**
   * `err != nil` on the error of a call whose success decides the value's fate: which branch
   * failed. `err != nil || x` puts every failure in the then-branch, `err == nil && x` in the else.
   */
  private failGuard(c: SyntaxNode | null): { then: boolean; rec: { fail: State; ok: State } } | null {
    if (!c) return null;
    const top = c.type === 'binary_expression' ? c.childForFieldName('operator')?.text : null;
    // The operands of a chain of one operator, without recursion.
    const leaves: SyntaxNode[] = [];
    const stack = [c];
    while (stack.length) {
      const n = stack.pop()!;
      const op = n.type === 'binary_expression' ? n.childForFieldName('operator')?.text : null;
      const l = unparen(n.childForFieldName('left'));
      const r = unparen(n.childForFieldName('right'));
      if ((top === '||' || top === '&&') && op === top && l && r) stack.push(r, l);
      else leaves.push(n);
    }
    for (const n of leaves) {
      if (n.type !== 'binary_expression') continue;
      const op = n.childForFieldName('operator')?.text;
      if (op !== '==' && op !== '!=') continue;
      const l = unparen(n.childForFieldName('left'));
      const r = unparen(n.childForFieldName('right'));
      const other = l?.type === 'nil' ? r : r?.type === 'nil' ? l : null;
      if (!other || other.type !== 'identifier') continue;
      const b = this.file.binding(other);
      const rec = b ? this.pending.get(b) : undefined;
      if (!rec) continue;
      const then = op === '!=';
      if (top === '||' && !then) continue;
      if (top === '&&' && then) continue;
      return { then, rec };
    }
    return null;
  }

  /**
   * `err != nil` (the value's own err, while it still is) or `x == nil`: which branch has a nil
   * value. Conditions joined by || and && are combined bottom-up without recursion (generated code
   * chains thousands).
   */
  private guardOf(c: SyntaxNode | null, state: State): Guard {
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
      if (!op) value.set(n.id, this.guardLeaf(n, state));
      else if (!l || !r) value.set(n.id, null);
      else {
        const a = value.get(l.id)!;
        const b = value.get(r.id)!;
        // ||: then a || b, else !a && !b.  &&: then a && b (either guard holds), else !a || !b: nil
        // when both say so (`resp != nil && resp.Body != nil`).
        if (op === '||')
          value.set(n.id, a === 'nil-then' && b === 'nil-then' ? 'nil-then' : a === 'nil-else' || b === 'nil-else' ? 'nil-else' : null);
        else value.set(n.id, a === 'nil-then' || b === 'nil-then' ? 'nil-then' : a === 'nil-else' && b === 'nil-else' ? 'nil-else' : null);
      }
    }
    return value.get(c.id)!;
  }

  /** `guardOf` for a condition that is not joined by || or &&. */
  private guardLeaf(c: SyntaxNode, state: State): Guard {
    const err = state === 'OPEN' ? this.t.err : null;
    if (c.type === 'binary_expression') {
      const op = c.childForFieldName('operator')?.text;
      const l = unparen(c.childForFieldName('left'));
      const r = unparen(c.childForFieldName('right'));
      if (!l || !r) return null;
      if (op === '==' && err) {
        // `err == io.EOF`, `err == ErrX`: true only for a non-nil err.
        const e =
          l.type === 'identifier' && this.file.binding(l) === err ? r : r.type === 'identifier' && this.file.binding(r) === err ? l : null;
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
      if (err && b === err) return op === '!=' ? 'nil-then' : 'nil-else';
      if (this.t.bindings.has(b)) return op === '==' ? 'nil-then' : 'nil-else';
    }
    if (c.type === 'call_expression' && err) {
      // `isTemporary(err)`, `errors.Is(err, x)`, `os.IsTimeout(err)`: classifiers of a non-nil error.
      for (const a of callArgs(c)) {
        const u = unparen(a);
        if (u?.type === 'identifier' && this.file.binding(u) === err) return 'nil-then';
      }
    }
    return null;
  }

  /**
   * An if statement and its else-if chain, iteratively (a chain nests one level per `else if`):
   * the join of every branch's outcome. `skipInit`: the first initializer was run by the caller.
   * A condition that tests what the acquisition's own condition tested is correlated with it:
   * leaks under it are on paths we cannot tell are feasible, and stay quiet.
   */
  private execIf(s: SyntaxNode, state: State, skipInit = false): State {
    const outs: State[] = [];
    let quieted = 0;
    try {
      for (let cur: SyntaxNode = s; ;) {
        const first = skipInit && cur === s;
        const init = first ? null : cur.childForFieldName('initializer');
        if (init) {
          const st = this.exec(init, state);
          if (!this.live(st)) return this.join([...outs, st]);
          if (isTaken(st)) return this.join([...outs, this.execTaken(cur, st)]);
          state = st;
        }
        const c = cur.childForFieldName('condition');
        const r = first ? 'OPEN' : this.scanExpr(c);
        if (r !== 'OPEN') return this.join([...outs, this.walkAll && isTaken(r) ? this.execTaken(cur, r) : r]);
        if (this.acqConds.size && c && operandKeys(c, this.file).some((k) => this.acqConds.has(k))) {
          this.quiet++;
          quieted++;
        }
        const { then, else: els } = this.cond(cur, state);
        const conseq = cur.childForFieldName('consequence');
        const alt = cur.childForFieldName('alternative');
        outs.push(this.live(then) ? this.execList(statementsOf(conseq), then) : this.branchDead(conseq, then));
        if (!alt) outs.push(els);
        else if (!this.live(els)) outs.push(this.branchDead(alt, els));
        else if (alt.type === 'if_statement') {
          cur = alt;
          state = els;
          continue;
        } else outs.push(this.execList(statementsOf(alt), els));
        return this.join(outs);
      }
    } finally {
      this.quiet -= quieted;
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
      if (c.type === 'block' || c.type === 'comment') continue;
      const r = this.scanExpr(c);
      if (r !== 'OPEN') return r;
    }
    const body = s.childForFieldName('body');
    const bodyEnd = this.execList(statementsOf(body), state);
    const infinite = !named(s).some((c) => c.type !== 'block' && c.type !== 'comment');
    const breaks = body ? hasBreakFor(body, s) : false;
    if (infinite && !breaks) {
      // `for { ... }` without break: only returns inside leave it.
      return 'DEAD';
    }
    return this.join([state, bodyEnd === 'NIL' ? state : bodyEnd]);
  }

  private execSwitch(s: SyntaxNode, state: State): State {
    for (const c of named(s)) {
      if (c.type === 'expression_case' || c.type === 'type_case' || c.type === 'communication_case' || c.type === 'default_case') continue;
      if (c.type === 'block') continue;
      const r = c.type === 'short_var_declaration' || c.type === 'assignment_statement' ? this.exec(c, state) : this.scanExpr(c);
      if (r !== 'OPEN' && r !== state) return r;
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
        if (v && this.live(st) && !isTaken(st)) st = this.after(st, this.scanExpr(v));
        if (this.live(st)) st = this.execList(statementsOf(c), st);
        outs.push(st);
      }
    }
    if (!hasDefault && s.type !== 'select_statement') outs.push(state);
    return this.join(outs);
  }

  /** Does a call close the value (`c.Close()`, `resp.Body.Close()`, `body.Close()`)? */
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
   * Is `n` a reference to the value: the identifier (or an alias), for responses `resp.Body` or a
   * local holding it (`bodyOnly` requires the Body for responses, as closing means closing its Body).
   */
  private isValueRef(n: SyntaxNode, bodyOnly = false): boolean {
    const u = unparen(n);
    if (!u) return false;
    if (this.t.shape === 'response') {
      if (u.type === 'selector_expression' && u.childForFieldName('field')?.text === 'Body')
        return this.isIdent(u.childForFieldName('operand'));
      if (u.type === 'identifier' && this.isBody(u)) return true;
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

  private isBody(n: SyntaxNode): boolean {
    const b = this.file.binding(n);
    return !!b && this.bodies.has(b);
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

  /**
   * Which result of a return statement carries the value: the value itself (or its Body, an alias)
   * or a composite literal holding it (`&Client{conn: c}`). A call's result is not counted: what the
   * callee does with it is its own business (`return newSession(c)` hands it off).
   */
  private returnedIndex(ret: SyntaxNode): number | null {
    const vals = exprList(named(ret)[0]);
    for (let i = 0; i < vals.length; i++) if (this.carries(vals[i])) return i;
    if (!vals.length) {
      // Bare return: named results that hold the value.
      const res = this.fnNode.childForFieldName('result');
      let i = 0;
      for (const p of named(res)) {
        if (p.type !== 'parameter_declaration') continue;
        for (const n of p.childrenForFieldName('name')) {
          if (!n) continue;
          for (const b of this.t.bindings) if (b.decl.id === n.id) return i;
          i++;
        }
      }
    }
    return null;
  }

  private carries(e: SyntaxNode): boolean {
    let v = unparen(e);
    if (v?.type === 'unary_expression' && v.childForFieldName('operator')?.text === '&') v = unparen(v.childForFieldName('operand'));
    if (!v) return false;
    if (this.isValueRef(v) || (v.type === 'identifier' && this.isBody(v))) return true;
    if (v.type === 'composite_literal') {
      const body = v.childForFieldName('body');
      for (const el of named(body)) {
        const x = el.type === 'keyed_element' ? named(el)[1] : el;
        const inner = x?.type === 'literal_element' ? named(x)[0] : x;
        if (inner && this.carries(inner)) return true;
      }
    }
    return false;
  }

  /** Scans a statement (not descending into nested statements' bodies) for uses of the value. */
  private scanUses(s: SyntaxNode): State {
    return this.scanExpr(s);
  }

  /**
   * Classifies every use of the value inside `root`: close → CLOSED, hand-off → KEPT (noted),
   * conditional hand-off → PENDING, borrowing uses keep OPEN. Nested function literals are
   * classified as a whole.
   */
  private scanExpr(root: SyntaxNode | null): State {
    if (!root) return 'OPEN';
    let out: State = 'OPEN';
    const rank = (s: State) => (s === 'CLOSED' ? 3 : s === 'KEPT' ? 2 : s === 'PENDING' ? 1 : 0);
    const note = (s: State) => {
      if (rank(s) > rank(out)) out = s;
    };
    const stack: SyntaxNode[] = [root];
    while (stack.length) {
      const n = stack.pop()!;
      if (n.type === 'func_literal') {
        const u = this.scanClosure(n);
        if (u === 'close' || u === 'handoff') {
          if (u === 'handoff') this.res.handedOff = true;
          else this.res.closedExplicitly = true;
          note(u === 'close' ? 'CLOSED' : 'KEPT');
        }
        continue;
      }
      if (n.type === 'identifier') {
        const b = this.file.binding(n);
        if (b && (this.t.bindings.has(b) || this.bodies.has(b))) {
          const u = this.classify(n);
          if (u.k === 'close') {
            this.res.closedExplicitly = true;
            note('CLOSED');
          } else if (u.k === 'handoff') {
            this.res.handedOff = true;
            note('KEPT');
          } else if (u.k === 'pending') {
            if (u.err) {
              this.pending.set(u.err, { fail: u.fail, ok: u.ok });
              note('PENDING');
            } else {
              this.res.handedOff = true;
              note('KEPT');
            }
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
    if (!closureMayRun(fn, this.file)) return 'none';
    let result: 'close' | 'handoff' | 'borrow' | 'none' = 'none';
    for (const id of identifiersIn(fn)) {
      const b = this.file.binding(id);
      if (!b || !(this.t.bindings.has(b) || this.bodies.has(b))) continue;
      const u = this.classify(id).k;
      if (u === 'close') return 'close';
      if (u === 'handoff' || u === 'pending') result = 'handoff';
      else if (result === 'none') result = 'borrow';
    }
    return result;
  }

  /** What one identifier occurrence of the value does with it (the rules' view). */
  classifyUse(id: SyntaxNode): 'close' | 'handoff' | 'borrow' | 'alias' {
    const u = this.classify(id);
    switch (u.k) {
      case 'pending':
        return 'handoff';
      case 'wrap':
        return u.into ? 'alias' : 'borrow';
      default:
        return u.k;
    }
  }

  private classify(id: SyntaxNode): Use {
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
    if (!p) return BORROW;
    if (this.t.shape === 'response' && this.isBody(id)) return this.classifyBody(cur);
    const own = this.file.binding(id);
    if (own && this.wrappers.has(own)) return this.classifyWrapper(cur);
    // resp.Body / c.Method
    if (p.type === 'selector_expression' && p.childForFieldName('operand')?.id === cur.id) {
      const field = p.childForFieldName('field')?.text ?? '';
      const gp = p.parent;
      if (gp?.type === 'call_expression' && gp.childForFieldName('function')?.id === p.id) {
        if (this.t.shape === 'closer' && isCloseMethod(this.file.kindOf(cur), field)) return CLOSE;
        if (field === 'CloseWrite' || field === 'CloseRead') this.res.halfCloses.push(gp);
        return BORROW;
      }
      if (this.t.shape === 'response' && field === 'Body') return this.classifyBody(p);
      // Method value (`c.Close` without call) escaping: treat as hand-off (someone will call it).
      if (field === 'Close' && gp?.type !== 'call_expression') return HANDOFF;
      if (field === 'Close' && gp?.type === 'call_expression' && gp.childForFieldName('function')?.id !== p.id) return HANDOFF;
      return BORROW;
    }
    return this.classifyValuePosition(cur, false);
  }

  /** The response's Body (`resp.Body` or a local holding it) at `node`: close, pass, return... */
  private classifyBody(node: SyntaxNode): Use {
    const p = node.parent;
    if (p?.type === 'selector_expression' && p.childForFieldName('operand')?.id === node.id) {
      const f2 = p.childForFieldName('field')?.text ?? '';
      const call = p.parent;
      if (call?.type === 'call_expression' && call.childForFieldName('function')?.id === p.id && f2 === 'Close') return CLOSE;
      // Method value `resp.Body.Close` passed somewhere (e.g. to a cleanup helper).
      if (f2 === 'Close') return HANDOFF;
      return BORROW;
    }
    return this.classifyValuePosition(node, true);
  }

  /** The value itself (or its Body) appears as an expression: where does it go? */
  private classifyValuePosition(cur: SyntaxNode, body: boolean): Use {
    const p = cur.parent;
    if (!p) return BORROW;
    switch (p.type) {
      case 'binary_expression':
        return BORROW; // comparisons
      case 'expression_list': {
        const gp = p.parent;
        if (!gp) return BORROW;
        if (gp.type === 'return_statement') return HANDOFF;
        if (gp.type === 'short_var_declaration' || gp.type === 'assignment_statement' || gp.type === 'var_spec') {
          const right = gp.childForFieldName(gp.type === 'var_spec' ? 'value' : 'right');
          if (right?.id !== p.id) return BORROW; // being assigned to (reassignment) — not a use
          // y := x (alias) or s.f = x (stored)
          const left = exprList(gp.childForFieldName(gp.type === 'var_spec' ? 'name' : 'left'));
          const idx = exprList(p).findIndex((e) => e.id === cur.id);
          const target = gp.type === 'var_spec' ? named(gp).filter((c) => c.type === 'identifier')[idx] : left[idx];
          if (target && target.type === 'identifier') {
            if (target.text === '_') return BORROW;
            const b2 = this.localBinding(target);
            if (b2) {
              if (body) this.bodies.add(b2);
              else this.t.bindings.add(b2);
              this.lastWrapInto.push(b2);
              return ALIAS;
            }
          }
          return HANDOFF;
        }
        return HANDOFF;
      }
      case 'argument_list': {
        const call = p.parent!;
        return this.classifyArg(call, cur, body);
      }
      case 'send_statement':
        return HANDOFF;
      case 'keyed_element':
      case 'literal_element':
      case 'literal_value':
        return this.classifyInLiteral(cur);
      case 'unary_expression':
        return HANDOFF; // &x
      case 'index_expression': {
        // `conns[c] = struct{}{}` keeps c as a key (a registry); `seen[c]`, `m[c] == x` only use it.
        const list = p.parent;
        const stmt = list?.parent;
        const stored =
          p.childForFieldName('index')?.id === cur.id &&
          list?.type === 'expression_list' &&
          stmt?.type === 'assignment_statement' &&
          stmt.childForFieldName('left')?.id === list.id;
        return stored ? HANDOFF : BORROW;
      }
      case 'if_statement':
      case 'expression_switch_statement':
      case 'type_switch_statement':
        return BORROW;
      default:
        return HANDOFF;
    }
  }

  /** A binding of `target` declared inside the tracked value's function (not a param, not captured). */
  private localBinding(target: SyntaxNode): Binding | null {
    const b = this.file.binding(target) ?? this.file.scopesFor(target)?.resolve(target) ?? null;
    if (!b || b.isParam) return null;
    if (b.scope.startIndex < this.fnNode.startIndex || b.scope.endIndex > this.fnNode.endIndex) return null;
    return b;
  }

  /**
   * The value inside a composite literal. `w := &wrapper{conn: c}` makes `w` hold it: dropping `w`
   * drops the value, while returning, storing or passing `w` (or calling its methods) hands it
   * off. Anything else (a literal returned, stored or passed directly) is a hand-off.
   */
  private classifyInLiteral(cur: SyntaxNode): Use {
    let n: SyntaxNode = cur;
    while (n.parent && ['keyed_element', 'literal_element', 'literal_value', 'composite_literal'].includes(n.parent.type)) n = n.parent;
    if (n.type !== 'composite_literal') return HANDOFF;
    let top: SyntaxNode = n;
    if (top.parent?.type === 'unary_expression' && top.parent.childForFieldName('operator')?.text === '&') top = top.parent;
    const list = top.parent;
    const st = list?.parent;
    if (list?.type !== 'expression_list' || !st || (st.type !== 'short_var_declaration' && st.type !== 'assignment_statement'))
      return HANDOFF;
    if (st.childForFieldName('right')?.id !== list.id) return HANDOFF;
    const idx = exprList(list).findIndex((e) => e.id === top.id);
    const target = unparen(exprList(st.childForFieldName('left'))[idx]);
    if (!target || target.type !== 'identifier' || target.text === '_') return HANDOFF;
    const b = this.localBinding(target);
    if (!b) return HANDOFF;
    this.t.bindings.add(b);
    this.wrappers.add(b);
    this.lastWrapInto.push(b);
    return ALIAS;
  }

  /**
   * A use of a local that wraps the value. Its methods may close or keep what it holds: a method
   * whose receiver summary says it only borrows is a borrow, `Close` closes, anything else (unknown
   * methods, methods run in a goroutine) hands the value off. Its fields stand for the value.
   */
  private classifyWrapper(cur: SyntaxNode): Use {
    const p = cur.parent;
    if (p?.type !== 'selector_expression' || p.childForFieldName('operand')?.id !== cur.id) return this.classifyValuePosition(cur, false);
    const gp = p.parent;
    const field = p.childForFieldName('field')?.text ?? '';
    if (gp?.type === 'call_expression' && gp.childForFieldName('function')?.id === p.id) {
      if (field === 'Close') return CLOSE;
      if (gp.parent?.type === 'go_statement' || inGoroutine(gp, this.fnNode)) return HANDOFF;
      const s = calleeSummary(this.file, gp);
      if (s) {
        const r = s.sum.recv;
        return r && r.ok === 'borrows' && (r.err === null || r.err === 'borrows') ? BORROW : HANDOFF;
      }
      // Not a method of this package: promoted from an embedded standard type (`w.SetDeadline`), which borrows.
      const k = this.file.kindOf(cur)?.replace(/^\*/, '');
      return k?.startsWith('local.') && this.file.pkg.structs.has(k.slice(6)) ? BORROW : HANDOFF;
    }
    // `w.conn.Close()`
    if (gp?.type === 'selector_expression' && gp.childForFieldName('operand')?.id === p.id) {
      const call = gp.parent;
      if (
        gp.childForFieldName('field')?.text === 'Close' &&
        call?.type === 'call_expression' &&
        call.childForFieldName('function')?.id === gp.id
      )
        return CLOSE;
      if (
        call?.type === 'call_expression' &&
        call.childForFieldName('function')?.id === gp.id &&
        (call.parent?.type === 'go_statement' || inGoroutine(call, this.fnNode))
      )
        return HANDOFF;
      return BORROW;
    }
    // The wrapper's field as a value (`f(w.conn)`, `return w.conn`): as if the value itself.
    return this.classifyValuePosition(p, false);
  }

  private classifyArg(call: SyntaxNode, arg: SyntaxNode, body: boolean): Use {
    const fn = unparen(call.childForFieldName('function'));
    if (!fn) return HANDOFF;
    if (fn.type === 'identifier' && BUILTINS.has(fn.text) && !this.file.binding(fn) && !this.file.pkg.funcs.has(fn.text))
      return fn.text === 'append' ? HANDOFF : BORROW;
    const q = this.file.qualified(fn);
    if (q && NON_OWNING.has(q)) return BORROW;
    if (q && WRAPPERS.has(q)) return HANDOFF;
    // Third-party functions known to only use it (facts/thirdparty.ts).
    if (
      q &&
      borrowsArg(
        q,
        callArgs(call).findIndex((a) => a.id === arg.id),
        this.file.kindOf(arg),
      )
    )
      return BORROW;
    // Writing through the value's own methods (`c.Write(c2)` with the same value) only borrows it.
    if (
      fn.type === 'selector_expression' &&
      (this.isIdent(fn.childForFieldName('operand')) || this.isValueRef(fn.childForFieldName('operand')!))
    )
      return BORROW;
    const args = callArgs(call);
    const idx = args.findIndex((a) => a.id === arg.id);
    if (idx < 0) return HANDOFF;
    const sum = calleeSummary(this.file, call);
    if (!sum) return HANDOFF;
    const facts = paramFate(sum.sum, idx);
    if (!facts) return HANDOFF;
    void body;
    const name = sum.local ? sum.key : calleeLabel(fn);
    const errB = sum.sum.errorResult ? this.errorBinding(call, sum.sum.results.length) : null;
    const failOpen: State = 'OPEN_R';
    const okOpen: State = errB && errB === this.t.err ? 'OPEN_R' : 'OPEN';
    // Some error paths leave the value with the caller: on failure it may still be ours.
    const errLeaves = facts.err === 'borrows' || facts.err === 'mixed';
    const errTakes = facts.err === 'takes';
    if (facts.ok === 'borrows' || facts.ok === 'mixed') {
      if (facts.ok === 'borrows' && !errTakes) {
        this.res.borrowers.push({ call, fn: name });
        return BORROW;
      }
      // Kept on some paths only: whoever wrote it knows; stay quiet.
      if (facts.ok === 'mixed') return HANDOFF;
      // Borrowed when the call succeeds, taken when it fails.
      return errB ? { k: 'pending', err: errB, fail: 'KEPT', ok: okOpen } : HANDOFF;
    }
    if (facts.ok === 'takes') {
      if (facts.closes && (facts.err === null || facts.err === 'takes')) return CLOSE;
      // Taken only when the call succeeds (`sess, err := mux.Client(conn)`).
      if (errLeaves && errB) return { k: 'pending', err: errB, fail: failOpen, ok: 'KEPT' };
      return HANDOFF;
    }
    // 'wraps': kept in the call's result; whoever holds the result holds the value.
    const holder = facts.wrapsIn === null ? 'escapes' : this.resultHolder(call, facts.wrapsIn);
    if (holder === 'escapes') return errLeaves && errB ? { k: 'pending', err: errB, fail: failOpen, ok: 'KEPT' } : HANDOFF;
    if (holder === 'body') this.lastWrapBody = true;
    else if (holder) {
      this.t.bindings.add(holder);
      this.wrappers.add(holder);
      this.lastWrapInto.push(holder);
    }
    if (errTakes) return errB ? { k: 'pending', err: errB, fail: 'KEPT', ok: okOpen } : HANDOFF;
    return { k: 'wrap', into: holder && holder !== 'body' ? holder : null };
  }

  /** Where result `i` of `call` goes: a local binding, dropped (null), `resp.Body` of the value, or escapes. */
  private resultHolder(call: SyntaxNode, i: number): Binding | null | 'body' | 'escapes' {
    let cur: SyntaxNode = call;
    while (cur.parent?.type === 'parenthesized_expression') cur = cur.parent;
    const p = cur.parent;
    if (!p) return null;
    if (p.type === 'expression_statement') return null;
    // Used right away (`bufio.NewReader(c).ReadString('\n')`): a temporary that is dropped.
    if (p.type === 'selector_expression' && p.childForFieldName('operand')?.id === cur.id) return null;
    if (p.type === 'expression_list') {
      const st = p.parent;
      if (st && (st.type === 'short_var_declaration' || st.type === 'assignment_statement') && st.childForFieldName('right')?.id === p.id) {
        const vals = exprList(p);
        const left = exprList(st.childForFieldName('left'));
        const target = unparen(vals.length === 1 ? left[i] : left[vals.findIndex((v) => v.id === cur.id)]);
        if (!target) return 'escapes';
        if (target.type === 'identifier') {
          if (target.text === '_') return null;
          return this.localBinding(target) ?? 'escapes';
        }
        if (
          target.type === 'selector_expression' &&
          target.childForFieldName('field')?.text === 'Body' &&
          this.isIdent(target.childForFieldName('operand'))
        )
          return 'body';
      }
    }
    return 'escapes';
  }

  /** The error variable receiving the last result of `call` (`s, err := f(c)`), if bound. */
  private errorBinding(call: SyntaxNode, n: number): Binding | null {
    const list = call.parent;
    const st = list?.parent;
    if (list?.type !== 'expression_list' || !st) return null;
    if (st.type !== 'short_var_declaration' && st.type !== 'assignment_statement') return null;
    const left = exprList(st.childForFieldName('left'));
    if (left.length !== n) return null;
    const t = unparen(left[n - 1]);
    if (!t || t.type !== 'identifier' || t.text === '_') return null;
    return this.file.binding(t) ?? this.file.scopesFor(t)?.resolve(t) ?? null;
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
}

function calleeLabel(fn: SyntaxNode): string {
  if (fn.type === 'selector_expression') {
    const op = unparen(fn.childForFieldName('operand'));
    const name = fn.childForFieldName('field')?.text ?? '';
    return op?.type === 'identifier' ? `${op.text}.${name}` : name;
  }
  return fn.text;
}

/** Is `n` inside a function literal started as a goroutine (`go func() { ... }()`), below `fn`? */
function inGoroutine(n: SyntaxNode, fn: SyntaxNode): boolean {
  for (let p = n.parent; p && p.id !== fn.id; p = p.parent) {
    if (p.type !== 'func_literal') continue;
    let cur: SyntaxNode = p;
    while (cur.parent?.type === 'parenthesized_expression') cur = cur.parent;
    const call = cur.parent;
    if (call?.type === 'call_expression' && call.childForFieldName('function')?.id === cur.id && call.parent?.type === 'go_statement')
      return true;
  }
  return false;
}

/** Variables and field paths a condition tests (`na.Network`, `useTLS`), not the functions it calls. */
function operandKeys(cond: SyntaxNode, file: FileFacts): string[] {
  const out: string[] = [];
  const stack = [cond];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'selector_expression' || n.type === 'identifier') {
      const p = n.parent;
      const isCallee = p?.type === 'call_expression' && p.childForFieldName('function')?.id === n.id;
      const inPath = p?.type === 'selector_expression' && p.childForFieldName('operand')?.id === n.id;
      if (!isCallee && !inPath && !/^(err\w*|nil|true|false)$/.test(n.text) && !file.qualified(n)) out.push(n.text);
      if (n.type === 'selector_expression') continue;
    }
    for (const k of named(n)) stack.push(k);
  }
  return out;
}

/**
 * Can this function literal run? Called, deferred, started, passed on, returned or stored: yes.
 * Assigned to `_` or to a local that is never used again: its body never runs.
 */
function closureMayRun(fn: SyntaxNode, file: FileFacts): boolean {
  let cur: SyntaxNode = fn;
  while (cur.parent?.type === 'parenthesized_expression') cur = cur.parent;
  const p = cur.parent;
  if (p?.type !== 'expression_list') return true;
  const st = p.parent;
  if (!st || (st.type !== 'short_var_declaration' && st.type !== 'assignment_statement') || st.childForFieldName('right')?.id !== p.id)
    return true;
  const idx = exprList(p).findIndex((e) => e.id === cur.id);
  const target = unparen(exprList(st.childForFieldName('left'))[idx]);
  if (!target || target.type !== 'identifier') return true;
  if (target.text === '_') return false;
  const b = file.binding(target) ?? file.scopesFor(target)?.resolve(target) ?? null;
  if (!b) return true;
  // `_ = cleanup` (silencing "declared and not used") does not run it either.
  const uses = (file.scopesFor(target)?.usesOf(b) ?? []).filter((u) => !isBlankAssigned(u));
  return uses.length > 0;
}

function isBlankAssigned(u: SyntaxNode): boolean {
  const list = u.parent;
  const st = list?.parent;
  if (list?.type !== 'expression_list' || st?.type !== 'assignment_statement' || st.childForFieldName('right')?.id !== list.id)
    return false;
  const i = exprList(list).findIndex((e) => e.id === u.id);
  return exprList(st.childForFieldName('left'))[i]?.text === '_';
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

/**
 * Statements in the file that acquire a value of the given shape from a call: closers are
 * connections and listeners, responses are *http.Response. Memoized per file.
 */
export function acquisitions(file: FileFacts, shape: ValueShape, isKind: (k: string | null) => boolean): Acquisition[] {
  const memoKey = `lifecycle:acquisitions:${file.path}:${shape}:${isKind.name}`;
  const hit = file.pkg.memo.get(memoKey) as Acquisition[] | undefined;
  if (hit) return hit;
  const out = acquisitionsIn(file, file.tree.rootNode, shape, isKind);
  file.pkg.memo.set(memoKey, out);
  return out;
}

const ACQUIRING = ['short_var_declaration', 'assignment_statement', 'expression_statement'];

/**
 * The statements that can acquire, from the tree's index by type rather than a walk of every node
 * (a walk of transport.go per edit and shape), in the order the walk this replaces visited them
 * (a stack: parents first, later siblings first), which the acquisitions keep. Only nodes the walk
 * reached: through named nodes.
 */
export function statementsInWalkOrder(root: SyntaxNode): SyntaxNode[] {
  const found = root.descendantsOfType(ACQUIRING).filter((n) => {
    for (let p = n.parent; p && p !== root; p = p.parent) if (!p.isNamed) return false;
    return true;
  });
  if (ACQUIRING.includes(root.type)) found.unshift(root);
  // A node's subtree is [pre, pre of its rightmost deepest node] in pre-order: the walk visits the
  // subtree ending last first, and of nested ones (same end) the outer one first.
  const end = new Map<SyntaxNode, number>();
  for (const n of found) {
    let l = n;
    while (l.children.length) l = l.children[l.children.length - 1];
    end.set(n, l.pre);
  }
  return found.sort((a, b) => end.get(b)! - end.get(a)! || a.pre - b.pre);
}

/** The acquisitions inside `root` (a file or one function). */
export function acquisitionsIn(file: FileFacts, root: SyntaxNode, shape: ValueShape, isKind: (k: string | null) => boolean): Acquisition[] {
  const out: Acquisition[] = [];
  for (const n of statementsInWalkOrder(root)) {
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
  return out;
}

/**
 * Does this call hand the caller a new resource it must close? Standard constructors do; a helper
 * (of this package or another whose source we have) does when some path returns a new value
 * it did not close or store (a dial helper), not when it returns a stored one (a getter) or an
 * already-closed response (a "Do" that reads the body for you).
 */
export function isFreshCall(file: FileFacts, call: SyntaxNode, shape: ValueShape): boolean {
  const fn = file.calleeExpr(call);
  if (!fn) return false;
  const q = file.qualified(fn);
  // A constructor from the tables (callResults already matched its kind).
  if (q && (constructorResults(q) || file.isStdQualified(q))) return true;
  if (!q && fn.type === 'selector_expression') {
    const recvKind = file.kindOf(fn.childForFieldName('operand'));
    // A method from the tables (Accept, Dial, Do, Hijack, ...).
    if (recvKind && (file.isStdKind(recvKind) || methodResults(recvKind, fn.childForFieldName('field')?.text ?? ''))) return true;
  }
  if (isFreshBySummary(file, call)) return true;
  // `checkResp(c.Do(req))`: a helper handed the (value, error) of a fresh call that returns the value.
  const args = callArgs(call);
  const inner = args.length === 1 ? unparen(args[0]) : null;
  if (inner?.type === 'call_expression' && file.callResults(inner)?.[0] && isFreshCall(file, inner, shape)) {
    const s = calleeSummary(file, call);
    const p0 = s ? paramFate(s.sum, 0) : null;
    if (p0?.ok === 'wraps' && p0.wrapsIn === 0) return true;
  }
  return false;
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
  // Memoized per list: a function with thousands of acquisitions asks once for each.
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

export type { FuncSummary };
