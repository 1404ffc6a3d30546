// Cases for checking fixes/align.ts against gofmt: a seeded random source and the edits a fix
// might make next to what gofmt aligns (used by test/unit/align.test.ts and scripts/align-vs-gofmt.ts).
import type { TextEdit } from '../../../src/analysis/model';
import { parseGo } from '../../../src/analysis/parser';

/** mulberry32: the same cases on every run. */
export function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYWORDS = new Set(
  'break case chan const continue default defer else fallthrough for func go goto if import interface map package range return select struct switch type var'.split(
    ' ',
  ),
);

/** Edits that lengthen or shorten the identifier starting a line next to something gofmt aligns. */
export function lineEdits(text: string, r: () => number, max: number): TextEdit[] {
  const tree = parseGo(text);
  const out: TextEdit[] = [];
  let off = 0;
  for (const line of text.split('\n')) {
    const start = off;
    off += line.length + 1;
    if (!/\S[ \t]+\/\/|\S {2,}\S|^\s*\w+:\s+\S/.test(line)) continue;
    const m = /^\t*([A-Za-z_]\w*)/.exec(line);
    if (!m) continue;
    const at = start + m[0].length;
    const node = tree.rootNode.descendantForIndex(at - 1, at);
    if (!/identifier$/.test(node.type) || node.endIndex !== at) continue;
    if (r() < 0.5) out.push({ start: at, end: at, newText: r() < 0.5 ? 'Longer' : 'MuchLongerThanBefore' });
    else if (m[1].length > 2 && !KEYWORDS.has(m[1].slice(0, -2))) out.push({ start: at - 2, end: at, newText: '' });
    if (out.length >= max) break;
  }
  return out;
}
