// analysistest-style expectations: `// want "regexp" "re2"` (backquoted regexps too) on a line.
// Used by the rule fixtures and by the recall benchmark on peers' testdata.

/** The regexps expected on each 0-based line. */
export function wants(text: string): Map<number, RegExp[]> {
  const m = new Map<number, RegExp[]>();
  text.split('\n').forEach((line, i) => {
    const idx = line.indexOf('// want ');
    if (idx === -1) return;
    const rest = line.slice(idx + 8);
    const res: RegExp[] = [];
    for (const mm of rest.matchAll(/"((?:[^"\\]|\\.)*)"|`([^`]*)`/g)) {
      const src = mm[1] !== undefined ? JSON.parse(`"${mm[1]}"`) : mm[2];
      res.push(new RegExp(src));
    }
    if (res.length) m.set(i, res);
  });
  return m;
}
