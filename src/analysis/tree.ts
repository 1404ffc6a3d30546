// A plain-JavaScript mirror of a tree-sitter syntax tree, built in one cursor walk.
//
// Why: every property read on a web-tree-sitter Node crosses into WASM and allocates a fresh
// wrapper; rules ask for children, fields and text millions of times over a large code base.
// Profiling the analyzer on net/http showed ~80% of the time in that marshalling. Converting each
// tree once and running rules on these objects made the analyzer several times faster. The mirror
// implements the subset of web-tree-sitter's Node API the analyzer uses, with the same semantics.
import type { Edit, Language, Tree as WasmTree, TreeCursor } from 'web-tree-sitter';
import { tick } from './limits';

export interface Point {
  row: number;
  column: number;
}

let nextId = 1;
const EMPTY_NODES: GoNode[] = [];
const EMPTY_FIELDS: (string | null)[] = [];

export class GoNode {
  readonly id = nextId++;
  parent: GoNode | null = null;
  /** Shared empty arrays for leaves (most nodes): allocation is the mirror's main cost. */
  children: GoNode[] = EMPTY_NODES;
  /** Field name of each child (parallel to `children`). */
  fields: (string | null)[] = EMPTY_FIELDS;
  hasError = false;
  /** Position in the tree's pre-order walk, set when the tree's type index is built (-1 before). */
  pre = -1;
  private named?: GoNode[];

  constructor(
    readonly tree: GoTree,
    readonly type: string,
    readonly isNamed: boolean,
    public startIndex: number,
    public endIndex: number,
  ) {}

  addChild(child: GoNode, field: string | null): void {
    if (this.children === EMPTY_NODES) {
      this.children = [];
      this.fields = [];
    }
    child.parent = this;
    this.children.push(child);
    this.fields.push(field);
  }

  /** Zero-width named leaves are what tree-sitter inserts for missing tokens. */
  get isMissing(): boolean {
    return this.startIndex === this.endIndex && this.children.length === 0 && this.type !== 'source_file';
  }

  get text(): string {
    return this.tree.text.slice(this.startIndex, this.endIndex);
  }
  get isError(): boolean {
    return this.type === 'ERROR';
  }
  get startPosition(): Point {
    return this.tree.point(this.startIndex);
  }
  get endPosition(): Point {
    return this.tree.point(this.endIndex);
  }
  get namedChildren(): GoNode[] {
    return (this.named ??= this.children.filter((c) => c.isNamed));
  }
  get childCount(): number {
    return this.children.length;
  }
  get namedChildCount(): number {
    return this.namedChildren.length;
  }
  child(i: number): GoNode | null {
    return this.children[i] ?? null;
  }
  namedChild(i: number): GoNode | null {
    return this.namedChildren[i] ?? null;
  }
  get firstChild(): GoNode | null {
    return this.children[0] ?? null;
  }
  get lastChild(): GoNode | null {
    return this.children[this.children.length - 1] ?? null;
  }
  get firstNamedChild(): GoNode | null {
    return this.namedChildren[0] ?? null;
  }
  get lastNamedChild(): GoNode | null {
    const n = this.namedChildren;
    return n[n.length - 1] ?? null;
  }
  private siblingIndex(): number {
    return this.parent ? this.parent.children.indexOf(this) : -1;
  }
  get nextSibling(): GoNode | null {
    const i = this.siblingIndex();
    return i >= 0 ? (this.parent!.children[i + 1] ?? null) : null;
  }
  get previousSibling(): GoNode | null {
    const i = this.siblingIndex();
    return i > 0 ? this.parent!.children[i - 1] : null;
  }
  get nextNamedSibling(): GoNode | null {
    for (let s = this.nextSibling; s; s = s.nextSibling) if (s.isNamed) return s;
    return null;
  }
  get previousNamedSibling(): GoNode | null {
    for (let s = this.previousSibling; s; s = s.previousSibling) if (s.isNamed) return s;
    return null;
  }
  childForFieldName(name: string): GoNode | null {
    const i = this.fields.indexOf(name);
    return i >= 0 ? this.children[i] : null;
  }
  childrenForFieldName(name: string): GoNode[] {
    const out: GoNode[] = [];
    for (let i = 0; i < this.fields.length; i++) if (this.fields[i] === name) out.push(this.children[i]);
    return out;
  }
  fieldNameForChild(i: number): string | null {
    return this.fields[i] ?? null;
  }
  /** Descendants (not the node itself) of the given type(s), in document order. */
  descendantsOfType(types: string | string[], startIndex = 0, endIndex = Infinity): GoNode[] {
    // Without a range: from the tree's index by type (one walk of the file serves every question).
    if (startIndex === 0 && endIndex === Infinity) return this.tree.descendantsOfType(this, types);
    const want = typeof types === 'string' ? new Set([types]) : new Set(types);
    const out: GoNode[] = [];
    const stack: GoNode[] = [];
    for (let i = this.children.length - 1; i >= 0; i--) stack.push(this.children[i]);
    while (stack.length) {
      tick();
      const n = stack.pop()!;
      if (n.endIndex < startIndex || n.startIndex > endIndex) continue;
      if (want.has(n.type)) out.push(n);
      for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]);
    }
    return out;
  }
  /** The smallest node spanning [start, end]. */
  descendantForIndex(start: number, end = start): GoNode {
    return smallestSpanning(this, start, end);
  }
  namedDescendantForIndex(start: number, end = start): GoNode {
    let cur = smallestSpanning(this, start, end);
    while (!cur.isNamed && cur.parent) cur = cur.parent;
    return cur;
  }
  equals(other: GoNode | null | undefined): boolean {
    return !!other && other.id === this.id;
  }
  /** The S-expression web-tree-sitter prints (named nodes, with field names). */
  toString(): string {
    // Iterative: trees can be thousands of levels deep.
    const out: string[] = [];
    const stack: (GoNode | string)[] = [this];
    while (stack.length) {
      const n = stack.pop()!;
      if (typeof n === 'string') {
        out.push(n);
        continue;
      }
      out.push(`(${n.type}`);
      stack.push(')');
      for (let i = n.children.length - 1; i >= 0; i--) {
        const c = n.children[i];
        if (!c.isNamed) continue;
        stack.push(c);
        stack.push(n.fields[i] ? ` ${n.fields[i]}: ` : ' ');
      }
    }
    return out.join('');
  }
}

function smallestSpanning(from: GoNode, start: number, end: number): GoNode {
  let cur = from;
  for (;;) {
    const next = cur.children.find(
      (c) => c.startIndex <= start && end <= c.endIndex && (c.endIndex > c.startIndex || start === c.startIndex),
    );
    if (!next) return cur;
    cur = next;
  }
}

export class GoTree {
  readonly rootNode: GoNode;
  /** Top-level nodes copied from the previous mirror instead of read from WASM (tests, benchmarks). */
  reused = 0;
  private lineStarts?: number[];

  constructor(
    readonly text: string,
    /** The WASM tree, kept for incremental re-parsing in the editor (null once deleted). */
    public wasm: WasmTree | null,
    language: Language,
    /** The previous mirror of the same document (with its edited WASM tree): subtrees tree-sitter kept are copied from it. */
    prev?: GoTree | null,
  ) {
    this.rootNode = build(this, wasm!, language, prev ?? null);
  }

  point(offset: number): Point {
    const ls = (this.lineStarts ??= lineStarts(this.text));
    let lo = 0;
    let hi = ls.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (ls[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { row: lo, column: offset - ls[lo] };
  }

  /** Records an edit on the WASM tree so the next `parseGo(text, tree)` re-parses incrementally. */
  edit(e: Edit): void {
    this.wasm?.edit(e);
  }

  private index?: Map<string, GoNode[]>;

  /**
   * The descendants of `node` of the given type(s), in document order, from an index of the whole
   * tree by type built in one walk on first use (as go/analysis' inspector does): the rules' and
   * facts' questions "every call in this function", "every composite literal in the file" cost two
   * binary searches instead of a walk each, for the file being analyzed and for its package's other
   * files alike (the language server keeps their trees, and so their index, between analyses).
   */
  descendantsOfType(node: GoNode, types: string | string[]): GoNode[] {
    if (node.tree !== this) throw new Error('node of another tree');
    const index = (this.index ??= indexByType(this.rootNode));
    // Descendants are the nodes after `node` in pre-order up to its last (rightmost, deepest) one.
    let last = node;
    while (last.children.length) last = last.children[last.children.length - 1];
    const from = node.pre;
    const to = last.pre;
    if (typeof types === 'string') return slicePre(index.get(types), from, to);
    const lists = [...new Set(types)].map((t) => slicePre(index.get(t), from, to)).filter((l) => l.length);
    if (lists.length <= 1) return lists[0] ?? [];
    return lists.flat().sort((a, b) => a.pre - b.pre);
  }

  /** Frees the WASM tree; the mirror stays usable. */
  delete(): void {
    this.wasm?.delete();
    this.wasm = null;
  }
}

function lineStarts(text: string): number[] {
  const out = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) out.push(i + 1);
  return out;
}

const typeCache = new WeakMap<Language, Map<number, { type: string; named: boolean }>>();
const fieldCache = new WeakMap<Language, Map<number, string | null>>();

/**
 * Copies a subtree of an older mirror into `tree`, shifting offsets by `delta`. Pure JavaScript:
 * far cheaper than walking the WASM tree, which is what makes re-parsing while typing in a large
 * file fast (only the edited declaration is rebuilt from WASM).
 */
function cloneShifted(src: GoNode, tree: GoTree, delta: number): GoNode {
  const root = new GoNode(tree, src.type, src.isNamed, src.startIndex + delta, src.endIndex + delta);
  root.hasError = src.hasError;
  const stack: [GoNode, GoNode][] = [[src, root]];
  while (stack.length) {
    const [from, to] = stack.pop()!;
    for (let i = 0; i < from.children.length; i++) {
      const c = from.children[i];
      const n = new GoNode(tree, c.type, c.isNamed, c.startIndex + delta, c.endIndex + delta);
      n.hasError = c.hasError;
      to.addChild(n, from.fields[i]);
      if (c.children.length) stack.push([c, n]);
    }
  }
  return root;
}

/**
 * Identity of the subtree under the cursor: where its first child is stored. A node's children
 * live in one allocation with the node itself, so this address is the same in two trees exactly
 * when tree-sitter kept the very same subtree (the old tree is alive, so no new subtree can get an
 * old one's address). The node's own id will not do: it is the slot in its parent, and the parents
 * of top-level declarations (hidden repeat nodes) are rebuilt around every edit. 0 for leaves.
 */
function subtreeIdentity(c: TreeCursor): number {
  if (!c.gotoFirstChild()) return 0;
  const id = c.nodeId;
  c.gotoParent();
  return id;
}

/**
 * The previous mirror's top-level nodes by the identity of their WASM subtree, for those the edit
 * did not touch. Reusing by equal text is wrong: after an edit elsewhere the same text can parse to
 * a different tree (error recovery inserting a missing token into it; an ambiguous
 * `x.F(y)` read as a conversion instead of a call). Only a subtree tree-sitter itself carried over
 * is certainly unchanged; `getChangedRanges` is no substitute, as it compares re-parsed subtrees by
 * their root alone and never reports zero-width differences such as a missing token.
 */
function reusableTopLevel(prev: GoTree | null): Map<number, GoNode> | null {
  if (!prev?.wasm) return null;
  const old = prev.rootNode.children;
  const out = new Map<number, GoNode>();
  const c = prev.wasm.walk();
  try {
    if (!c.gotoFirstChild()) return null;
    let i = 0;
    do {
      if (i >= old.length) return null;
      const mirror = old[i++];
      const id = subtreeIdentity(c);
      if (id) out.set(id, mirror);
    } while (c.gotoNextSibling());
    // The mirror has every child the WASM tree has; anything else means they are not the same tree.
    return i === old.length ? out : null;
  } finally {
    c.delete();
  }
}

/** Every node of the tree (the root excluded) by type in pre-order, numbering them (GoNode.pre) in one walk. */
function indexByType(root: GoNode): Map<string, GoNode[]> {
  const index = new Map<string, GoNode[]>();
  const stack: GoNode[] = [root];
  let pre = 0;
  while (stack.length) {
    tick();
    const n = stack.pop()!;
    n.pre = pre++;
    if (n !== root) {
      const list = index.get(n.type);
      if (list) list.push(n);
      else index.set(n.type, [n]);
    }
    for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]);
  }
  return index;
}

/** The nodes of `list` (in pre-order) numbered in (from, to]: a fresh array. */
function slicePre(list: GoNode[] | undefined, from: number, to: number): GoNode[] {
  if (!list || !list.length || to <= from) return [];
  const lo = firstAfter(list, from);
  const hi = firstAfter(list, to);
  return lo < hi ? list.slice(lo, hi) : [];
}

/** Index of the first node of `list` numbered above `pre`. */
function firstAfter(list: GoNode[], pre: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].pre <= pre) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function build(tree: GoTree, wasm: WasmTree, language: Language, prev: GoTree | null): GoNode {
  const reuse = reusableTopLevel(prev);
  let types = typeCache.get(language);
  if (!types) typeCache.set(language, (types = new Map()));
  let fields = fieldCache.get(language);
  if (!fields) fieldCache.set(language, (fields = new Map()));
  const c = wasm.walk();
  // Each cursor getter crosses into WASM. Read the type and field of every node, but offsets only
  // for leaves: an inner node spans exactly from its first child's start to its last child's end.
  const make = (): GoNode => {
    const id = c.nodeTypeId;
    let t = types!.get(id);
    if (!t) types!.set(id, (t = { type: c.nodeType, named: language.nodeTypeIsNamed(id) }));
    const n = new GoNode(tree, t.type, t.named, -1, -1);
    if (t.type === 'ERROR') n.hasError = true;
    return n;
  };
  const fieldOf = (): string | null => {
    const id = c.currentFieldId;
    if (id === 0) return null;
    let f = fields!.get(id);
    if (f === undefined) fields!.set(id, (f = language.fieldNameForId(id)));
    return f;
  };
  const leaf = (n: GoNode) => {
    n.startIndex = c.startIndex;
    n.endIndex = c.endIndex;
  };
  const close = (n: GoNode) => {
    if (n.children.length) {
      n.startIndex = n.children[0].startIndex;
      n.endIndex = n.children[n.children.length - 1].endIndex;
    }
  };
  /** Replaces a just-created top-level node by a shifted copy of the old mirror of the same subtree. */
  const reuseTopLevel = (n: GoNode): GoNode | null => {
    const id = subtreeIdentity(c);
    const old = id ? reuse!.get(id) : undefined;
    if (!old || old.type !== n.type) return null;
    const start = c.startIndex;
    const end = c.endIndex;
    // The same subtree has the same length and text; anything else is a bug, and then we rebuild.
    if (end - start !== old.endIndex - old.startIndex || tree.text.slice(start, end) !== old.text) return null;
    const copy = cloneShifted(old, tree, start - old.startIndex);
    tree.reused++;
    const parent = n.parent!;
    const i = parent.children.length - 1;
    parent.children[i] = copy;
    copy.parent = parent;
    return copy;
  };
  try {
    const root = make();
    root.hasError = wasm.rootNode.hasError;
    const rootStart = c.startIndex;
    const rootEnd = c.endIndex;
    let cur = root;
    for (;;) {
      if (c.gotoFirstChild()) {
        const field = fieldOf();
        const child = make();
        cur.addChild(child, field);
        cur = child;
        const copy = reuse && cur.parent === root ? reuseTopLevel(cur) : null;
        if (!copy) continue;
        cur = copy;
      } else leaf(cur);
      for (;;) {
        if (cur === root) {
          root.startIndex = rootStart;
          root.endIndex = rootEnd;
          return root;
        }
        const parent = cur.parent!;
        if (cur.hasError) parent.hasError = true;
        if (c.gotoNextSibling()) {
          const field = fieldOf();
          const sib = make();
          parent.addChild(sib, field);
          cur = sib;
          const copy = reuse && parent === root ? reuseTopLevel(sib) : null;
          if (copy) {
            cur = copy;
            continue;
          }
          break;
        }
        c.gotoParent();
        close(parent);
        cur = parent;
      }
    }
  } finally {
    c.delete();
  }
}
