// VS Code snippet syntax, expanded the way the editor inserts a snippet when the user accepts every
// default: tabstops ($1, ${1}), placeholders (${1:default}, nested), choices (${1|a,b|} -> a),
// the final tabstop ($0), variables ($TM_FILENAME_BASE, ${VAR:default}, ${VAR/re/fmt/flags}) and
// escapes (\$, \}, \\). Grammar: https://code.visualstudio.com/docs/editor/userdefinedsnippets

type Node =
  | { kind: 'text'; value: string }
  | { kind: 'tabstop'; index: number; children: Node[] | null; choice?: string[] }
  | { kind: 'variable'; name: string; children: Node[] | null; transform?: { re: string; format: string; flags: string } };

export class SnippetSyntaxError extends Error {}

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  parse(): Node[] {
    const out = this.any(null);
    if (this.i < this.s.length) throw new SnippetSyntaxError(`unexpected '${this.s[this.i]}' at ${this.i}`);
    return out;
  }

  /** Nodes until `stop` (a closing brace inside a placeholder) or the end. */
  private any(stop: '}' | null): Node[] {
    const out: Node[] = [];
    let text = '';
    const flush = () => {
      if (text) out.push({ kind: 'text', value: text });
      text = '';
    };
    while (this.i < this.s.length) {
      const c = this.s[this.i];
      if (c === '\\' && this.i + 1 < this.s.length && '$}\\'.includes(this.s[this.i + 1])) {
        text += this.s[this.i + 1];
        this.i += 2;
        continue;
      }
      if (stop && c === stop) break;
      if (c === '$') {
        const node = this.dollar();
        if (node) {
          flush();
          out.push(node);
          continue;
        }
      }
      text += c;
      this.i++;
    }
    flush();
    return out;
  }

  /** After a `$`: a tabstop, placeholder, choice or variable; null when the `$` is literal. */
  private dollar(): Node | null {
    const s = this.s;
    const start = this.i;
    this.i++;
    let m = /^\d+/.exec(s.slice(this.i));
    if (m) {
      this.i += m[0].length;
      return { kind: 'tabstop', index: Number(m[0]), children: null };
    }
    m = /^[_a-zA-Z][_a-zA-Z0-9]*/.exec(s.slice(this.i));
    if (m) {
      this.i += m[0].length;
      return { kind: 'variable', name: m[0], children: null };
    }
    if (s[this.i] !== '{') {
      this.i = start;
      return null;
    }
    this.i++;
    m = /^\d+/.exec(s.slice(this.i));
    if (m) {
      const index = Number(m[0]);
      this.i += m[0].length;
      if (s[this.i] === '}') {
        this.i++;
        return { kind: 'tabstop', index, children: null };
      }
      if (s[this.i] === ':') {
        this.i++;
        const children = this.any('}');
        this.expect('}');
        return { kind: 'tabstop', index, children };
      }
      if (s[this.i] === '|') {
        this.i++;
        const options: string[] = [];
        let cur = '';
        while (this.i < s.length && !(s[this.i] === '|' && s[this.i + 1] === '}')) {
          if (s[this.i] === '\\' && ',|\\$}'.includes(s[this.i + 1] ?? '')) {
            cur += s[this.i + 1];
            this.i += 2;
          } else if (s[this.i] === ',') {
            options.push(cur);
            cur = '';
            this.i++;
          } else cur += s[this.i++];
        }
        options.push(cur);
        this.expect('|');
        this.expect('}');
        return { kind: 'tabstop', index, children: null, choice: options };
      }
      if (s[this.i] === '/') throw new SnippetSyntaxError('tabstop transforms are not used by our snippets');
      throw new SnippetSyntaxError(`bad tabstop at ${start}`);
    }
    m = /^[_a-zA-Z][_a-zA-Z0-9]*/.exec(s.slice(this.i));
    if (!m) throw new SnippetSyntaxError(`bad \${ at ${start}`);
    const name = m[0];
    this.i += name.length;
    if (s[this.i] === '}') {
      this.i++;
      return { kind: 'variable', name, children: null };
    }
    if (s[this.i] === ':') {
      this.i++;
      const children = this.any('}');
      this.expect('}');
      return { kind: 'variable', name, children };
    }
    if (s[this.i] === '/') {
      this.i++;
      const part = () => {
        let v = '';
        while (this.i < s.length && s[this.i] !== '/') {
          if (s[this.i] === '\\' && s[this.i + 1] === '/') {
            v += '/';
            this.i += 2;
          } else v += s[this.i++];
        }
        this.expect('/');
        return v;
      };
      const re = part();
      const format = part();
      let flags = '';
      while (this.i < s.length && s[this.i] !== '}') flags += s[this.i++];
      this.expect('}');
      return { kind: 'variable', name, children: null, transform: { re, format, flags } };
    }
    throw new SnippetSyntaxError(`bad variable at ${start}`);
  }

  private expect(c: string): void {
    if (this.s[this.i] !== c) throw new SnippetSyntaxError(`expected '${c}' at ${this.i}`);
    this.i++;
  }
}

export interface ExpandContext {
  /** Values of snippet variables (TM_FILENAME_BASE, …); unknown ones expand to their default or name. */
  variables?: Record<string, string>;
}

/** Parses a snippet body (array lines are joined with \n, as VS Code does). */
export function parseSnippet(body: string | string[]): Node[] {
  return new Parser(Array.isArray(body) ? body.join('\n') : body).parse();
}

/** The text VS Code inserts when every placeholder keeps its default (first choice for choices). */
export function expandSnippet(body: string | string[], ctx: ExpandContext = {}): string {
  const nodes = parseSnippet(body);
  // A tabstop's value is the default of its first occurrence that has one; other occurrences mirror it.
  const defaults = new Map<number, Node[] | string>();
  const collect = (ns: Node[]) => {
    for (const n of ns) {
      if (n.kind === 'tabstop') {
        if (!defaults.has(n.index)) {
          if (n.choice) defaults.set(n.index, n.choice[0] ?? '');
          else if (n.children) defaults.set(n.index, n.children);
        }
        if (n.children) collect(n.children);
      } else if (n.kind === 'variable' && n.children) collect(n.children);
    }
  };
  collect(nodes);
  const render = (ns: Node[], depth: number): string =>
    ns
      .map((n) => {
        if (depth > 20) throw new SnippetSyntaxError('recursive placeholders');
        if (n.kind === 'text') return n.value;
        if (n.kind === 'tabstop') {
          const d = defaults.get(n.index);
          return d === undefined ? '' : typeof d === 'string' ? d : render(d, depth + 1);
        }
        const v = ctx.variables?.[n.name];
        if (n.transform) {
          if (v === undefined) return '';
          const re = new RegExp(n.transform.re, n.transform.flags);
          return v.replace(re, n.transform.format.replace(/\$\{?(\d+)\}?/g, '$$$1'));
        }
        if (v !== undefined && v !== '') return v;
        if (n.children) return render(n.children, depth + 1);
        return v ?? n.name; // VS Code inserts an unknown variable's name
      })
      .join('');
  return render(nodes, 0);
}

/** Every tabstop index used in a snippet body. */
export function tabstops(body: string | string[]): number[] {
  const out = new Set<number>();
  const walk = (ns: Node[]) => {
    for (const n of ns) {
      if (n.kind === 'tabstop') out.add(n.index);
      if (n.kind !== 'text' && n.children) walk(n.children);
    }
  };
  walk(parseSnippet(body));
  return [...out].sort((a, b) => a - b);
}
