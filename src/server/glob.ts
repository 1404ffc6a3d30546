// Glob matching for `conndoctor.exclude`, with VS Code's glob syntax (`**`, `*`, `?`, `{a,b}`,
// `[abc]`), matched against a path relative to the workspace folder with `/` separators.
// Like `files.exclude`, a pattern that matches a folder excludes everything below it.
// Pure: no 'vscode' import (unit-tested).

const cache = new Map<string, RegExp>();

function escape(c: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? `\\${c}` : c;
}

/** Translates one glob to an anchored RegExp. */
export function globToRegExp(glob: string): RegExp {
  const hit = cache.get(glob);
  if (hit) return hit;
  let g = glob.replace(/\\/g, '/').trim();
  if (g.startsWith('./')) g = g.slice(2);
  if (g.startsWith('/')) g = g.slice(1);
  let re = '';
  let braces = 0;
  for (let i = 0; i < g.length; i++) {
    const c = g[i];
    if (c === '*') {
      if (g[i + 1] === '*') {
        // `**` spans any number of segments. `**/` may also match nothing.
        const atSegStart = i === 0 || g[i - 1] === '/';
        let j = i;
        while (g[j] === '*') j++;
        if (atSegStart && g[j] === '/') {
          re += '(?:[^/]*/)*';
          i = j; // skip the slash too
        } else if (atSegStart && j === g.length) {
          re += '.*';
          i = j - 1;
        } else {
          re += '[^/]*';
          i = j - 1;
        }
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
      braces++;
      re += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      re += ')';
    } else if (c === ',' && braces > 0) re += '|';
    else if (c === '[') {
      const end = g.indexOf(']', i + 1);
      if (end === -1) re += '\\[';
      else {
        let cls = g.slice(i + 1, end).replace(/\\/g, '\\\\');
        if (cls.startsWith('!')) cls = `^${cls.slice(1)}`;
        re += `[${cls}]`;
        i = end;
      }
    } else re += escape(c);
  }
  while (braces-- > 0) re += ')';
  const out = new RegExp(`^${re}$`);
  cache.set(glob, out);
  return out;
}

/** True when `relPath` (or one of its parent folders) matches one of `globs`. */
export function matchesAny(relPath: string, globs: readonly string[]): boolean {
  if (!globs.length) return false;
  const p = relPath.replace(/\\/g, '/').replace(/^\.\//, '');
  const parts = p.split('/');
  const prefixes: string[] = [];
  for (let i = 1; i <= parts.length; i++) prefixes.push(parts.slice(0, i).join('/'));
  return globs.some((g) => {
    const re = globToRegExp(g);
    return prefixes.some((x) => re.test(x));
  });
}

/** Folders a workspace scan skips, like `go build ./...`: vendor, testdata, hidden and `_` folders. */
export function inSkippedDir(relPath: string): boolean {
  const parts = relPath.replace(/\\/g, '/').split('/');
  parts.pop();
  return parts.some(
    (n) => n === 'vendor' || n === 'testdata' || n === 'node_modules' || (n.length > 1 && (n.startsWith('.') || n.startsWith('_'))),
  );
}
