// Cheap text checks that decide which files of a package need parsing at all. Every rule is about
// values from net, net/http, crypto/tls (or raw socket syscalls), so a package with no such import
// has nothing to report; in a package that has them, other files matter only when they mention a
// name the relevant files declare. This keeps batch runs (CLI, Scan Workspace) proportional to the
// networking code, not to the repository.
import type { FileFacts } from './facts/package';
import { named } from './facts/syntax';

const IMPORT_RE = /"(net|net\/[\w/]+|crypto\/tls|golang\.org\/x\/net\/[\w/]+)"/;
const TEXT_RE = /SetNonblock|SO_REUSEADDR|i\/o timeout/;

export function isRelevantText(text: string): boolean {
  return IMPORT_RE.test(importSection(text)) || TEXT_RE.test(text);
}

/** The text from the package clause to the end of the import declarations (imports come first in Go). */
function importSection(text: string): string {
  const m = /\n\s*(func|type|var|const)\s/.exec(text);
  return m ? text.slice(0, m.index) : text;
}

/** Top-level names declared in the given files (functions, methods, types, vars, consts). */
export function declaredNames(files: FileFacts[]): Set<string> {
  const out = new Set<string>();
  for (const f of files) {
    for (const d of named(f.tree.rootNode)) {
      if (d.type === 'function_declaration' || d.type === 'method_declaration') {
        const n = d.childForFieldName('name')?.text;
        if (n) out.add(n);
      } else if (d.type === 'type_declaration' || d.type === 'var_declaration' || d.type === 'const_declaration') {
        for (const spec of d.descendantsOfType(['type_spec', 'type_alias', 'var_spec', 'const_spec'])) {
          for (const n of spec.childrenForFieldName('name')) if (n) out.add(n.text);
        }
      }
    }
  }
  out.delete('_');
  out.delete('init');
  return out;
}

/** Does `text` mention any of `names` as a whole word? */
export function mentionsAny(text: string, names: Set<string>): boolean {
  if (!names.size) return false;
  const re = new RegExp(`\\b(?:${[...names].map((n) => n.replace(/[^\w]/g, '')).join('|')})\\b`);
  return re.test(text);
}
