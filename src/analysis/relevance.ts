// Cheap text checks that decide which files of a package need parsing at all. Every rule is about
// values from net, net/http, crypto/tls (or raw socket syscalls), so a package with no such import
// has nothing to report; in a package that has them, other files matter only when they mention a
// name the relevant files declare. This keeps batch runs (CLI, Scan Workspace) proportional to the
// networking code, not to the repository.
import type { FileFacts } from './facts/package';
import { named } from './facts/syntax';
import { THIRD_PARTY_PATHS } from './facts/thirdparty';

const IMPORT_RE = new RegExp(
  `"(net|net\\/[\\w/]+|crypto\\/tls|golang\\.org\\/x\\/net\\/[\\w/]+|${THIRD_PARTY_PATHS.map((p) => p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})"`,
);
// Uses, not definitions: the syscall package's own tables define SO_REUSEADDR and SetNonblock.
const TEXT_RE = /\.SetNonblock\(|SO_REUSEADDR\s*,|"i\/o timeout"/;

export function isRelevantText(text: string): boolean {
  return IMPORT_RE.test(importSection(text)) || TEXT_RE.test(text);
}

/** The text from the package clause to the end of the import declarations (imports come first in Go). */
function importSection(text: string): string {
  const m = /\n\s*(func|type|var|const)\s/.exec(text);
  return m ? text.slice(0, m.index) : text;
}

/**
 * Top-level names whose declarations mention the networking packages (a function taking or
 * returning a net.Conn, a struct holding an *http.Server, a global client...): the only names
 * through which another file of the package can reach a value the rules track.
 */
export function declaredNames(files: FileFacts[]): Set<string> {
  const out = new Set<string>();
  for (const f of files) {
    const locals = f.imports.specs.filter((sp) => IMPORT_RE.test(`"${sp.path}"`) && sp.local !== '_').map((sp) => sp.local);
    if (!locals.length) continue;
    const mentions = (text: string) => locals.some((l) => (l === '.' ? true : text.includes(`${l}.`)));
    for (const d of named(f.tree.rootNode)) {
      if (d.type === 'function_declaration' || d.type === 'method_declaration') {
        const n = d.childForFieldName('name')?.text;
        const body = d.childForFieldName('body');
        const sig = body ? f.text.slice(d.startIndex, body.startIndex) : d.text;
        if (n && mentions(sig)) out.add(n);
      } else if (d.type === 'type_declaration' || d.type === 'var_declaration' || d.type === 'const_declaration') {
        for (const spec of d.descendantsOfType(['type_spec', 'type_alias', 'var_spec', 'const_spec'])) {
          if (!mentions(spec.text)) continue;
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
