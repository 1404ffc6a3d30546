// Glob matching for `conndoctor.exclude`, with VS Code's glob syntax and semantics
// (code.visualstudio.com/docs/editor/glob-patterns): `/` separates segments, `*` and `?` stay in
// one segment, `**` spans any number of segments (none too), `{a,b}` groups, `[0-9]` and `[!0-9]`
// ranges; no `!` negation and no extglobs; dot files and folders are not special; case-insensitive
// on Windows and macOS. Matched against a path relative to the workspace folder with `/`
// separators. Like `files.exclude`, a pattern that matches a folder excludes everything below it.
// picomatch does the matching, configured to those semantics.
import picomatch from 'picomatch';

const cache = new Map<string, (path: string) => boolean>();

/** A matcher for one glob. */
export function globMatcher(glob: string, platform: NodeJS.Platform = process.platform): (path: string) => boolean {
  const key = `${platform}\0${glob}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let g = glob.replace(/\\/g, '/').trim();
  if (g.startsWith('./')) g = g.slice(2);
  if (g.startsWith('/')) g = g.slice(1);
  // Braces are expanded first: picomatch turns them into an alternation inside one pattern, where
  // a `**/` that starts an alternative no longer matches zero folders (`{**/a.go}` ~ `a.go`).
  const m = picomatch(expandBraces(g), {
    dot: true,
    noextglob: true,
    nonegate: true,
    nobrace: true,
    posix: true, // `[!0-9]` negates a range (as in VS Code) only in picomatch's POSIX mode
    nocase: platform === 'win32' || platform === 'darwin',
  });
  cache.set(key, m);
  return m;
}

/** `a{b,c{d,e}}` -> [`ab`, `acd`, `ace`]; unbalanced braces are left as they are. */
export function expandBraces(g: string): string[] {
  let depth = 0;
  let open = -1;
  const commas: number[] = [];
  for (let i = 0; i < g.length; i++) {
    if (g[i] === '{') {
      if (depth++ === 0) open = i;
    } else if (g[i] === '}' && depth > 0) {
      if (--depth === 0) {
        const cuts = [open, ...commas, i];
        const alts = cuts.slice(1).map((c, k) => g.slice(cuts[k] + 1, c));
        const tail = expandBraces(g.slice(i + 1));
        return alts.flatMap((a) => expandBraces(g.slice(0, open) + a).flatMap((h) => tail.map((t) => h + t)));
      }
    } else if (g[i] === ',' && depth === 1) commas.push(i);
  }
  return [g];
}

/** True when `relPath` (or one of its parent folders) matches one of `globs`. */
export function matchesAny(relPath: string, globs: readonly string[]): boolean {
  if (!globs.length) return false;
  const p = relPath.replace(/\\/g, '/').replace(/^\.\//, '');
  const parts = p.split('/');
  const prefixes: string[] = [];
  for (let i = 1; i <= parts.length; i++) prefixes.push(parts.slice(0, i).join('/'));
  return globs.some((g) => {
    const m = globMatcher(g);
    return prefixes.some((x) => m(x));
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
