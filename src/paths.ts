// Path helpers shared by the language server and the extension host's socket view (which must not load
// src/analysis: test/unit/extension-bundle.test.ts).
import { statSync } from 'node:fs';
import { sep } from 'node:path';

/** `p` is `dir` or below it (absolute, normalized paths). */
export function isWithin(p: string | undefined, dir: string): boolean {
  return !!p && (p === dir || p.startsWith(dir.endsWith(sep) ? dir : dir + sep));
}

export function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
