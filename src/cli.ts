// conndoctor: the analyzer for terminals and CI.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { applyPreferredFixes, ensureReady, formatAnalysisError, type AnalyzeOptions } from './analysis/engine';
import { collectGoFiles, DEFAULT_MAX_FILE_BYTES, formatSize, parseSize } from './analysis/files';
import type { Finding } from './analysis/model';
import { AnalyzerPool } from './analysis/pool';
import { analyzeDir, groupByDir, type DirResult } from './analysis/project';
import { allRules } from './analysis/rules/index';
import { flagHelp, parseFlags, type FlagSpec } from './cliArgs';
import { COLOR, PLAIN, Sources, textDetails, textLine, textSummary, toJson, toSarif, wantsColor } from './reports';
import { version } from './version';

export { version };

const FLAGS: FlagSpec[] = [
  { name: 'format', type: 'string', arg: 'text|json|sarif', help: 'output format (default text)' },
  { name: 'fix', type: 'boolean', help: 'apply the recommended fixes in place and list the files changed' },
  { name: 'rules', type: 'string', arg: 'a,b', help: 'run only these rules (see --list-rules)' },
  { name: 'disable', type: 'string', arg: 'a,b', help: 'do not run these rules' },
  { name: 'go-version', type: 'string', arg: '1.N', help: 'override the go.mod "go" version' },
  { name: 'tests', type: 'boolean', help: 'also analyze _test.go files' },
  { name: 'include-generated', type: 'boolean', help: 'also analyze files marked "// Code generated ... DO NOT EDIT."' },
  {
    name: 'max-file-size',
    type: 'string',
    arg: 'SIZE',
    help: `skip bigger files (default ${formatSize(DEFAULT_MAX_FILE_BYTES)}; 0: no limit)`,
  },
  { name: 'verbose', type: 'boolean', help: 'show the code, fixes and docs of each finding; list skipped files' },
  { name: 'list-rules', type: 'boolean', help: 'print the rules and exit' },
  { name: 'debug', type: 'boolean', help: 'print the stack of a rule that fails' },
  { name: 'help', type: 'boolean', short: 'h', help: 'this help' },
  { name: 'version', type: 'boolean', help: 'print the version' },
  // Worker threads for big trees (default: one per core); for benchmarks.
  { name: 'threads', type: 'string' },
];

const USAGE = `Usage: conndoctor [flags] [paths | ./...]
       conndoctor sockets [--pid N | --workspace DIR] [--watch] [--json]
       conndoctor help [sockets] | version
       conndoctor lsp [--stdio]     language server for editors (stdio)

Finds leaked and hanging TCP/HTTP connections in Go code. Directories are walked like
go ./... (vendor/, testdata/, .x and _x directories and links to directories are skipped);
files marked as generated and files over the size limit are skipped.

Flags:
${flagHelp(FLAGS)}

Output: file:line:col: severity: message (rule), col in bytes as go vet counts them.
Exit status: 0 no findings, 1 findings, 2 usage error or nothing could be analyzed.`;

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  outTTY: boolean;
  errTTY: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

const processIo: Io = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  outTTY: !!process.stdout.isTTY,
  errTTY: !!process.stderr.isTTY,
  env: process.env,
  cwd: process.cwd(),
};

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === 'sockets') return runSockets(rest);
  if (cmd === 'lsp') return runLsp(rest);
  if (cmd === 'version') {
    io.out(`conndoctor ${version()}\n`);
    return 0;
  }
  if (cmd === 'help') {
    if (rest[0] === 'sockets') return runSockets(['--help']);
    io.out(`${USAGE}\n`);
    return 0;
  }
  const parsed = parseFlags(argv, FLAGS, 'conndoctor');
  if ('error' in parsed) {
    io.err(`${parsed.error}\n`);
    return 2;
  }
  const v = parsed.values;
  const usage = (msg: string) => {
    io.err(`conndoctor: ${msg}\n`);
    return 2;
  };
  if (v.help) {
    io.out(`${USAGE}\n`);
    return 0;
  }
  if (v.version) {
    io.out(`conndoctor ${version()}\n`);
    return 0;
  }
  if (v['list-rules']) {
    const width = Math.max(...allRules.map((r) => r.meta.id.length)) + 2;
    for (const r of allRules) io.out(`${r.meta.id.padEnd(width)}${r.meta.severity.padEnd(9)}${r.meta.title}\n`);
    return 0;
  }
  const format = (v.format as string | undefined) ?? 'text';
  if (!['text', 'json', 'sarif'].includes(format)) return usage(`unknown --format ${format} (want text, json or sarif)`);
  const known = new Set(allRules.map((r) => r.meta.id));
  const list = (s: unknown) =>
    typeof s === 'string'
      ? s
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean)
      : undefined;
  let maxFileBytes = DEFAULT_MAX_FILE_BYTES;
  if (v['max-file-size'] !== undefined) {
    const n = parseSize(v['max-file-size'] as string);
    if (n === null) return usage(`bad --max-file-size "${v['max-file-size']}" (want e.g. 2MB, 500KB or 0 for no limit)`);
    maxFileBytes = n;
  }
  const opts: AnalyzeOptions = {
    rules: list(v.rules),
    disabled: list(v.disable),
    goVersion: v['go-version'] as string | undefined,
    maxFileBytes,
    includeGenerated: !!v['include-generated'],
  };
  for (const id of [...(opts.rules ?? []), ...(opts.disabled ?? [])]) {
    if (!known.has(id)) return usage(`unknown rule "${id}" (see --list-rules)`);
  }
  if (opts.goVersion && !/^(go)?1\.\d+(\.\d+)?$/.test(opts.goVersion))
    return usage(`bad --go-version "${opts.goVersion}" (want e.g. 1.22)`);
  const threads = v.threads !== undefined ? Number(v.threads) : undefined;
  if (threads !== undefined && !(Number.isInteger(threads) && threads > 0)) return usage(`bad --threads "${v.threads}"`);
  const verbose = !!v.verbose;
  const errStyle = wantsColor({ isTTY: io.errTTY }, io.env) ? COLOR : PLAIN;
  const outStyle = wantsColor({ isTTY: io.outTTY }, io.env) ? COLOR : PLAIN;
  const warn = (msg: string) => io.err(`${errStyle.bold('conndoctor:')} ${errStyle.severity('warning', 'warning')}: ${msg}\n`);

  const t0 = performance.now();
  const paths = parsed.positionals.length ? parsed.positionals : ['./...'];
  const walk = collectGoFiles(paths, { tests: !!v.tests });
  if (walk.missing.length) return usage(`${walk.missing.join(', ')}: no such file or directory`);
  for (const w of walk.warnings) warn(w);
  const files = [...new Set(walk.files.map((f) => resolve(io.cwd, f)))];
  const groups = groupByDir(files);
  const pool = new AnalyzerPool({ threads });
  let results: DirResult[];
  try {
    results = await pool.run(groups, opts);
  } finally {
    await pool.dispose();
  }
  if (verbose && pool.cache)
    io.err(`conndoctor: ${pool.cache.hits} of ${groups.length} package(s) from the result cache (${pool.cache.root})\n`);

  const rel = (f: string): string | null => {
    const r = relative(io.cwd, f);
    return r === '' || r.startsWith('..') || isAbsolute(r) ? null : r.split(sep).join('/');
  };
  const shown = (f: string) => rel(f) ?? f;
  const notifications: { message: string; file?: string; line?: number }[] = [];
  const note = (message: string, file?: string, line?: number) => {
    notifications.push({ message, file, line });
  };
  // Messages name absolute paths; show them relative to where the user stands, like findings.
  const relMessage = (m: string) => (m.startsWith(io.cwd + sep) ? m.slice(io.cwd.length + 1) : m);
  const sources = new Sources();
  const skipped = results.flatMap((r) => r.skipped ?? []);
  const generated = skipped.filter((s) => s.reason === 'generated');
  for (const w of walk.warnings) note(w);
  for (const e of results.flatMap((r) => r.errors)) {
    warn(relMessage(e));
    note(relMessage(e));
  }
  for (const s of skipped) {
    if (s.reason === 'size') {
      warn(`${relMessage(s.message)} (--max-file-size raises it)`);
      note(relMessage(s.message), s.file);
    } else if (s.reason === 'binary' || s.reason === 'too-complex') {
      warn(relMessage(s.message));
      note(relMessage(s.message), s.file);
    }
  }
  // Some rules ran out of time on these: their findings there may be missing.
  for (const i of results.flatMap((r) => r.incomplete ?? [])) {
    warn(relMessage(i.message));
    note(relMessage(i.message), i.file);
  }
  if (generated.length && verbose) for (const g of generated) io.err(`conndoctor: ${relMessage(g.message)}\n`);
  // Syntax errors do not change the exit status: the file is analyzed around the error, the
  // build reports it anyway, and a construct our parser does not know must not fail CI.
  for (const s of results.flatMap((r) => r.syntax ?? [])) {
    io.err(`${errStyle.bold(`${shown(s.file)}:${s.line}:${s.column}`)}: ${s.message}\n`);
    note(`${shown(s.file)}:${s.line}:${s.column}: ${s.message}`, s.file, s.line);
  }

  // A rule that threw is a bug of ours, never a silent miss: which rule, where (the stack with --debug).
  const failures = results.flatMap((r) => r.failures);
  for (const f of failures) {
    const m = relMessage(formatAnalysisError(f));
    io.err(
      `${errStyle.bold('conndoctor:')} ${errStyle.severity('error', 'internal error')}: ${v.debug ? relMessage(formatAnalysisError(f, true)) : m}\n`,
    );
    note(`internal error: ${m}`, f.rule ? f.file : undefined);
  }
  if (failures.length && !v.debug) io.err('conndoctor: the failed rules have no findings in those files; --debug prints the stacks\n');

  const analyzed = results.reduce((n, r) => n + r.files, 0);
  if (analyzed === 0) {
    io.err(`conndoctor: nothing analyzed: ${nothingReason(paths, walk.excludedTests, files.length, skipped, generated.length)}\n`);
    if (format === 'sarif') writeSarif([], false);
    else if (format === 'json') io.out('[]\n');
    return 2;
  }

  let findings = results.flatMap((r) => r.findings);
  if (v.fix) findings = await fixFiles(findings, groups, opts, shown, io);

  function writeSarif(fs: Finding[], successful: boolean) {
    const sarif = toSarif({
      findings: fs,
      rules: allRules.map((r) => r.meta),
      version: version(),
      root: io.cwd,
      rel,
      sources,
      notifications,
      successful,
    });
    io.out(`${JSON.stringify(sarif, null, 2)}\n`);
  }
  if (format === 'json')
    io.out(
      `${JSON.stringify(
        findings.map((f) => toJson(f, shown(f.file), sources.get(f.file))),
        null,
        2,
      )}\n`,
    );
  else if (format === 'sarif') writeSarif(findings, true);
  else {
    const metas = new Map(allRules.map((r) => [r.meta.id, r.meta]));
    for (const f of findings) {
      const src = sources.get(f.file);
      io.out(`${textLine(f, shown(f.file), src, outStyle)}\n`);
      if (verbose) io.out(`${textDetails(f, src, metas.get(f.rule), outStyle)}\n`);
    }
    if (findings.length) io.err(`${textSummary(findings, errStyle)}\n`);
  }
  if (verbose) {
    const bytes = results.reduce((n, r) => n + r.bytes, 0);
    const secs = ((performance.now() - t0) / 1000).toFixed(2);
    const gen = generated.length ? `; skipped ${generated.length} generated (--include-generated analyzes them)` : '';
    io.err(`conndoctor: analyzed ${analyzed} file${analyzed === 1 ? '' : 's'} (${formatSize(bytes)}) in ${secs} s${gen}\n`);
  }
  return findings.length ? 1 : 0;
}

function nothingReason(
  paths: string[],
  excludedTests: number,
  found: number,
  skipped: NonNullable<DirResult['skipped']>,
  generated: number,
): string {
  if (!found) {
    const where = paths.join(' ');
    if (excludedTests) return `only _test.go files in ${where} (--tests analyzes them)`;
    return `no Go files in ${where}`;
  }
  const parts: string[] = [];
  if (generated) parts.push(`${generated} generated (--include-generated analyzes them)`);
  const other = skipped.length - generated;
  if (other) parts.push(`${other} skipped (size, binary or too complex to parse)`);
  const unreadable = found - skipped.length;
  if (unreadable > 0) parts.push(`${unreadable} could not be read`);
  return `of ${found} Go file${found === 1 ? '' : 's'}, ${parts.join(', ')}`;
}

/** Applies the preferred fixes file by file, lists what changed, and returns what is left. */
async function fixFiles(
  findings: Finding[],
  groups: string[][],
  opts: AnalyzeOptions,
  shown: (f: string) => string,
  io: Io,
): Promise<Finding[]> {
  await ensureReady();
  const byFile = new Map<string, Finding[]>();
  for (const f of findings) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
  let total = 0;
  let changed = 0;
  for (const [file, fs] of byFile) {
    let text = readFileSync(file, 'utf8');
    let applied = 0;
    // Fixes can overlap (two findings in one function): re-analyze and apply again, a few rounds.
    let current = fs;
    for (let round = 0; round < 5 && current.length; round++) {
      const r = applyPreferredFixes(text, current);
      if (!r.applied) break;
      text = r.text;
      applied += r.applied;
      try {
        writeFileSync(file, text);
      } catch (e) {
        io.err(`conndoctor: ${shown(file)}: cannot write the fix: ${(e as Error).message}\n`);
        applied = 0;
        break;
      }
      current = analyzeDir([file], opts).findings.filter((x) => x.file === file);
    }
    if (applied) {
      io.err(`conndoctor: fixed ${shown(file)} (${applied} fix${applied === 1 ? '' : 'es'})\n`);
      total += applied;
      changed++;
    }
  }
  io.err(`conndoctor: applied ${total} fix${total === 1 ? '' : 'es'} in ${changed} file${changed === 1 ? '' : 's'}\n`);
  return groups.flatMap((g) => analyzeDir(g, opts).findings);
}

/**
 * Serves the language server protocol until the client exits (the server ends the process). The
 * server is a bundle of its own (dist/server.js), so an analysis run does not load the protocol
 * libraries; from source, the module itself. Loaded by a computed path so esbuild leaves it out.
 */
async function runLsp(argv: string[]): Promise<number> {
  const bundled = join(__dirname, 'server.js');
  const path = existsSync(bundled) ? bundled : join(__dirname, 'server', 'server');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { runLanguageServer } = require(path) as typeof import('./server/server');
  runLanguageServer(argv);
  return new Promise<number>(() => undefined);
}

async function runSockets(argv: string[]): Promise<number> {
  const { runSocketsCli } = await import('./sockets/cli');
  return runSocketsCli(argv);
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`conndoctor: ${(e as Error).stack ?? e}\n`);
      process.exitCode = 2;
    },
  );
}
