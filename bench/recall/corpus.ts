// Recall on connection-lifecycle bugs that public Go projects really fixed (bench/corpus/bugs.json):
// for each bug, the package at the fix's parent commit must get a finding of the bug's rule on the
// leak's line; the package at the fixing commit should have no close-family finding left in that
// function. Sources come from git mirrors (the `fetch` tool's /work/.mirror, or CONNDOCTOR_MIRRORS),
// exported to .cache/recall/src (outside git). Bugs whose mirror is absent are listed as unavailable.
//
// Cross-package summaries need the bug's dependencies in the module cache: the modules that the
// package (and the module's own packages it imports) require are fetched through the Go module
// proxy first (`--no-deps` skips that, measuring what a machine without them would see).
//
//   node --import tsx bench/recall/corpus.ts [--json] [--only id-substring] [--verbose] [--no-deps]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ensureReady } from '../../src/analysis/engine';
import { parseGoMod } from '../../src/analysis/facts/gomod';
import { isStdPath } from '../../src/analysis/facts/modules';
import { analyzeDir } from '../../src/analysis/project';
import { parseGo } from '../../src/analysis/parser';
import type { Finding } from '../../src/analysis/model';
import { downloadModule, exportCommit, mirrorOf } from './modules';

interface Bug {
  id: string;
  repo: string;
  fix: string;
  parent: string;
  file: string;
  /** `Recv.Method` or `Func`. */
  func: string;
  /** 1-based line of the leaked value's acquisition at the parent commit (where the rule reports). */
  line: number;
  rule: string;
  /** single: decidable inside the function; cross: needs what a user-defined callee does. */
  scope: 'single' | 'cross';
  shape: string;
  fixMessage?: string;
}

interface Result {
  id: string;
  repo: string;
  scope: string;
  rule: string;
  status: 'found' | 'missed' | 'unavailable' | 'error';
  /** What we reported in the function at the parent (for missed bugs: why not). */
  atParent: string[];
  /** Close-family findings left in the function at the fixing commit. */
  atFix: string[];
  note?: string;
}

const CLOSE_RULES = ['conn-not-closed', 'body-not-closed', 'defer-before-errcheck', 'closewrite-without-close'];

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i === -1 ? undefined : process.argv[i + 1];
}

/** The declaration of `Recv.Method` / `Func` in a parsed file: its 0-based line range. */
function funcRange(text: string, name: string): { start: number; end: number } | null {
  const tree = parseGo(text, null, { keepWasm: false });
  const [recv, fn] = name.includes('.') ? name.split('.') : [null, name];
  const lineOf = (off: number) => text.slice(0, off).split('\n').length - 1;
  for (const d of tree.rootNode.namedChildren) {
    if (!d || (d.type !== 'function_declaration' && d.type !== 'method_declaration')) continue;
    if (d.childForFieldName('name')?.text !== fn) continue;
    if (recv) {
      const r = d.childForFieldName('receiver')?.text ?? '';
      if (!new RegExp(`\\*?\\s*${recv}\\b`).test(r.replace(/^\(\s*\w+\s+/, '('))) continue;
    } else if (d.type !== 'function_declaration') continue;
    return { start: lineOf(d.startIndex), end: lineOf(d.endIndex) };
  }
  return null;
}

const IMPORT_RE = /^\s*(?:[\w.]+\s+)?"([^"]+)"\s*$/gm;

/** Import paths of the non-test .go files in `dir`. */
function importsOf(dir: string): string[] {
  const out = new Set<string>();
  for (const f of readdirSync(dir)) {
    if (!f.endsWith('.go') || f.endsWith('_test.go')) continue;
    const text = readFileSync(join(dir, f), 'utf8');
    const m = /\n\s*(func|type|var|const)\s/.exec(text);
    const head = m ? text.slice(0, m.index) : text;
    for (const x of head.matchAll(IMPORT_RE)) out.add(x[1]);
    for (const x of head.matchAll(/^import\s+(?:[\w.]+\s+)?"([^"]+)"/gm)) out.add(x[1]);
  }
  return [...out];
}

const downloaded = new Set<string>();

/**
 * Fetches the modules that the bug's package, and the module's own packages it imports (a few
 * levels), require: what `go build` would have put in the module cache.
 */
function fetchDeps(root: string, file: string): void {
  let modDir = join(root, dirname(file));
  while (!existsSync(join(modDir, 'go.mod')) && modDir.length > root.length) modDir = dirname(modDir);
  if (!existsSync(join(modDir, 'go.mod'))) return;
  const mod = parseGoMod(readFileSync(join(modDir, 'go.mod'), 'utf8'));
  if (!mod.module || !mod.requires) return;
  const seen = new Set<string>();
  const queue = [join(root, dirname(file))];
  const wanted = new Set<string>();
  while (queue.length && seen.size < 40) {
    const dir = queue.shift()!;
    if (seen.has(dir) || !existsSync(dir)) continue;
    seen.add(dir);
    for (const imp of importsOf(dir)) {
      if (isStdPath(imp)) continue;
      if (imp === mod.module || imp.startsWith(`${mod.module}/`)) {
        queue.push(join(modDir, imp.slice(mod.module.length)));
        continue;
      }
      let best = '';
      for (const r of mod.requires.keys()) if ((imp === r || imp.startsWith(`${r}/`)) && r.length > best.length) best = r;
      if (!best) continue;
      const rep = mod.replaces?.get(best);
      if (rep && !rep.version) continue; // a local directory: part of the tree already
      wanted.add(rep ? `${rep.path}@${rep.version}` : `${best}@${mod.requires.get(best)}`);
    }
  }
  for (const spec of wanted) {
    if (downloaded.has(spec)) continue;
    downloaded.add(spec);
    try {
      downloadModule(spec);
    } catch {
      /* not on the proxy: the analysis stays conservative for that package */
    }
  }
}

function packageFindings(root: string, file: string): { findings: Finding[]; errors: string[] } {
  const dir = join(root, dirname(file));
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.go') && !f.endsWith('_test.go'))
    .map((f) => join(dir, f));
  const r = analyzeDir(files, { rules: CLOSE_RULES });
  // A file cut short by its time budget would read as a miss: say so.
  return { findings: r.findings, errors: [...r.errors, ...(r.incomplete ?? []).map((i) => i.message)] };
}

function describe(f: Finding): string {
  return `${f.range.start.line + 1}: ${f.rule}: ${f.message}`;
}

function check(bug: Bug): Result {
  const res: Result = { id: bug.id, repo: bug.repo, scope: bug.scope, rule: bug.rule, status: 'missed', atParent: [], atFix: [] };
  const git = mirrorOf(bug.repo);
  if (!git) return { ...res, status: 'unavailable', note: `no mirror of ${bug.repo}` };
  try {
    const before = exportCommit(git, bug.repo, bug.parent);
    const after = exportCommit(git, bug.repo, bug.fix);
    if (!process.argv.includes('--no-deps')) {
      fetchDeps(before, bug.file);
      fetchDeps(after, bug.file);
    }
    const p = packageFindings(before, bug.file);
    const mine = p.findings.filter((f) => f.file === join(before, bug.file));
    const fr = funcRange(readFileSync(join(before, bug.file), 'utf8'), bug.func);
    res.atParent = mine.filter((f) => !fr || (f.range.start.line >= fr.start && f.range.start.line <= fr.end)).map(describe);
    if (mine.some((f) => f.rule === bug.rule && f.range.start.line + 1 === bug.line)) res.status = 'found';
    const q = packageFindings(after, bug.file);
    const fixedText = readFileSync(join(after, bug.file), 'utf8');
    const fr2 = funcRange(fixedText, bug.func);
    if (!fr2) res.note = `${bug.func} not found at the fixing commit`;
    res.atFix = q.findings
      .filter((f) => f.file === join(after, bug.file) && fr2 && f.range.start.line >= fr2.start && f.range.start.line <= fr2.end)
      .map(describe);
    if (p.errors.length || q.errors.length) res.note = [...p.errors, ...q.errors].join('; ');
  } catch (e) {
    return { ...res, status: 'error', note: (e as Error).message.split('\n')[0] };
  }
  return res;
}

async function main(): Promise<void> {
  await ensureReady();
  let bugs: Bug[] = JSON.parse(readFileSync(join(__dirname, '..', 'corpus', 'bugs.json'), 'utf8'));
  const only = arg('--only');
  if (only) bugs = bugs.filter((b) => b.id.includes(only) || b.repo.includes(only));
  const results = bugs.map(check);
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(results, null, 1));
    return;
  }
  const verbose = process.argv.includes('--verbose');
  for (const r of results) {
    const mark = r.status === 'found' ? 'found ' : r.status === 'missed' ? 'MISSED' : r.status;
    console.log(
      `${mark} ${r.scope.padEnd(6)} ${r.id.padEnd(36)} ${r.rule.padEnd(16)} fixed: ${r.atFix.length}${r.note ? `  (${r.note})` : ''}`,
    );
    if (verbose || r.atFix.length) {
      for (const a of r.atParent) if (verbose) console.log(`         parent ${a}`);
      for (const a of r.atFix) console.log(`         fixed  ${a}`);
    }
  }
  const pct = (a: number, b: number) => `${a}/${b} (${b ? Math.round((a / b) * 100) : 0}%)`;
  const avail = results.filter((r) => r.status === 'found' || r.status === 'missed');
  for (const scope of ['single', 'cross']) {
    const s = avail.filter((r) => r.scope === scope);
    console.log(`${scope.padEnd(6)} recall ${pct(s.filter((r) => r.status === 'found').length, s.length)}`);
  }
  console.log(`all    recall ${pct(avail.filter((r) => r.status === 'found').length, avail.length)}`);
  console.log(`findings left in the fixed functions: ${avail.reduce((n, r) => n + r.atFix.length, 0)}`);
  const un = results.length - avail.length;
  if (un) console.log(`${un} bug(s) unavailable or failed (see above)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
