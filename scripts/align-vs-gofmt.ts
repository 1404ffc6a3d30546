// How closely fixes/align.ts follows gofmt on real code: for every top-level declaration of the
// GOROOT packages given (default net), whether our model lays it out exactly as it is (GOROOT is
// gofmt-formatted), then edits next to what gofmt aligns (as test/unit/align.test.ts makes them)
// re-aligned by alignEdits and checked with `gofmt -l`.
//   npx tsx scripts/align-vs-gofmt.ts net,go,crypto,encoding,runtime
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyEdits, ensureReady } from '../src/analysis/engine';
import { alignEdits, alignText } from '../src/analysis/fixes/align';
import { parseGo } from '../src/analysis/parser';
import { lineEdits, rng } from '../test/unit/helpers/alignCases';
import { goFilesUnder, gofmtDirty } from '../test/unit/helpers/gocheck';

async function main(): Promise<void> {
  await ensureReady();
  const goroot = execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim();
  const files = (process.argv[2] ?? 'net')
    .split(',')
    .flatMap((d) => goFilesUnder(join(goroot, 'src', d)))
    .filter((f) => !f.includes('/testdata/'));
  const r = rng(1);
  let decls = 0;
  const differ: string[] = [];
  const edited: string[] = [];
  const where: string[] = [];
  for (const f of files) {
    const src = readFileSync(f, 'utf8');
    const tree = parseGo(src);
    if (tree.rootNode.hasError) continue;
    for (const d of tree.rootNode.namedChildren) {
      if (!d || d.type === 'comment' || d.type === 'package_clause') continue;
      decls++;
      const t = src.slice(src.lastIndexOf('\n', d.startIndex - 1) + 1, d.endIndex);
      if (alignText(t) !== t) differ.push(`${f}:${d.startPosition.row + 1}`);
    }
    for (const e of lineEdits(src, r, 6)) {
      edited.push(applyEdits(src, alignEdits(src, tree.rootNode, [e])));
      where.push(`${f}:${src.slice(0, e.start).split('\n').length}`);
    }
  }
  const dirty = [...gofmtDirty(edited)];
  console.log(`${files.length} files, ${decls} declarations: ${decls - differ.length} laid out as gofmt does`);
  for (const d of differ) console.log(`  model differs (edits there are not re-aligned): ${d}`);
  console.log(`${edited.length} edits re-aligned: ${edited.length - dirty.length} gofmt-clean`);
  for (const i of dirty) console.log(`  gofmt -l lists the file after an edit at ${where[i]}`);
}

void main();
