// conndoctor: the analyzer for terminals and CI.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { applyPreferredFixes, collectGoFiles, ensureReady, type AnalyzeOptions } from './analysis/engine';
import { analyzeDirs } from './analysis/pool';
import { groupByDir, analyzeDir } from './analysis/project';
import type { Finding } from './analysis/model';
import { docsUrl } from './analysis/model';
import { allRules } from './analysis/rules/index';

const VERSION = '0.1.0';

const USAGE = `Usage: conndoctor [flags] [paths | ./...]
       conndoctor sockets [--pid N | --workspace DIR] [--watch] [--json]

Finds leaked and hanging TCP/HTTP connections in Go code.

Flags:
  --format text|json|sarif   output format (default text)
  --fix                      apply preferred fixes in place
  --rules a,b                run only these rules
  --disable a,b              do not run these rules
  --go-version 1.N           override the go.mod "go" version
  --tests                    also analyze _test.go files
  --list-rules               print the rules and exit
  -h, --help                 this help
  --version                  print the version

Exit status: 0 no findings, 1 findings, 2 usage or I/O error.`;

export async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'sockets') return runSockets(argv.slice(1));
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: 'string', default: 'text' },
        fix: { type: 'boolean', default: false },
        rules: { type: 'string' },
        disable: { type: 'string' },
        'go-version': { type: 'string' },
        'list-rules': { type: 'boolean', default: false },
        tests: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', default: false },
        threads: { type: 'string' },
      },
    });
  } catch (e) {
    process.stderr.write(`conndoctor: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const v = args.values;
  if (v.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (v.version) {
    process.stdout.write(`conndoctor ${VERSION}\n`);
    return 0;
  }
  if (v['list-rules']) {
    for (const r of allRules) process.stdout.write(`${r.meta.id.padEnd(28)} ${r.meta.severity.padEnd(8)} ${r.meta.title}\n`);
    return 0;
  }
  if (!['text', 'json', 'sarif'].includes(v.format!)) {
    process.stderr.write(`conndoctor: unknown --format ${v.format} (want text, json or sarif)\n`);
    return 2;
  }
  const known = new Set(allRules.map((r) => r.meta.id));
  const list = (s?: string) =>
    s
      ? s
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean)
      : undefined;
  const opts: AnalyzeOptions = { rules: list(v.rules), disabled: list(v.disable), goVersion: v['go-version'] };
  for (const id of [...(opts.rules ?? []), ...(opts.disabled ?? [])]) {
    if (!known.has(id)) {
      process.stderr.write(`conndoctor: unknown rule "${id}" (see --list-rules)\n`);
      return 2;
    }
  }
  if (opts.goVersion && !/^(go)?1\.\d+(\.\d+)?$/.test(opts.goVersion)) {
    process.stderr.write(`conndoctor: bad --go-version "${opts.goVersion}" (want e.g. 1.22)\n`);
    return 2;
  }
  const paths = args.positionals.length ? args.positionals : ['./...'];
  let files: string[];
  try {
    for (const p of paths) if (!existsSync(p.replace(/\/\.\.\.$/, '') || '.')) throw new Error(`${p}: no such file or directory`);
    files = [...new Set(collectGoFiles(paths, v.tests).map((f) => resolve(f)))];
  } catch (e) {
    process.stderr.write(`conndoctor: ${(e as Error).message}\n`);
    return 2;
  }
  const groups = groupByDir(files);
  const results = await analyzeDirs(groups, opts, { threads: v.threads ? Number(v.threads) : undefined });
  let findings = results.flatMap((r) => r.findings);
  const errors = results.flatMap((r) => r.errors);
  for (const e of errors) process.stderr.write(`conndoctor: ${e}\n`);

  if (v.fix) {
    await ensureReady();
    let fixed = 0;
    const byFile = new Map<string, Finding[]>();
    for (const f of findings) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
    for (const [file, fs] of byFile) {
      let text = readFileSync(file, 'utf8');
      // Fixes can overlap (two findings in one function): re-analyze and apply again, a few rounds.
      let current = fs;
      for (let round = 0; round < 5 && current.length; round++) {
        const r = applyPreferredFixes(text, current);
        if (!r.applied) break;
        text = r.text;
        fixed += r.applied;
        writeFileSync(file, text);
        current = analyzeDir([file], opts).findings.filter((x) => x.file === file);
      }
    }
    findings = analyzeDirsSync(groups, opts);
    process.stderr.write(`conndoctor: applied ${fixed} fix${fixed === 1 ? '' : 'es'}\n`);
  }

  const cwd = process.cwd();
  const rel = (f: string) => {
    const r = relative(cwd, f);
    return r.startsWith('..') ? f : r.split(sep).join('/');
  };
  if (v.format === 'json')
    process.stdout.write(
      `${JSON.stringify(
        findings.map((f) => toJson(f, rel)),
        null,
        2,
      )}\n`,
    );
  else if (v.format === 'sarif') process.stdout.write(`${JSON.stringify(toSarif(findings, rel), null, 2)}\n`);
  else {
    for (const f of findings) {
      process.stdout.write(`${rel(f.file)}:${f.range.start.line + 1}:${f.range.start.character + 1}: ${f.message} (${f.rule})\n`);
    }
    if (findings.length)
      process.stderr.write(
        `${findings.length} finding${findings.length === 1 ? '' : 's'} in ${new Set(findings.map((f) => f.file)).size} file(s)\n`,
      );
  }
  if (errors.length && !findings.length && !files.length) return 2;
  return findings.length ? 1 : 0;
}

function analyzeDirsSync(groups: string[][], opts: AnalyzeOptions): Finding[] {
  return groups.flatMap((g) => analyzeDir(g, opts).findings);
}

export function toJson(f: Finding, rel: (p: string) => string = (p) => p) {
  return {
    file: rel(f.file),
    line: f.range.start.line + 1,
    column: f.range.start.character + 1,
    endLine: f.range.end.line + 1,
    endColumn: f.range.end.character + 1,
    rule: f.rule,
    severity: f.severity,
    message: f.message,
    fixes: f.fixes.map((x) => ({ title: x.title, preferred: !!x.preferred, edits: x.edits })),
  };
}

const SARIF_LEVEL: Record<string, string> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

export function toSarif(findings: Finding[], rel: (p: string) => string = (p) => p) {
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'conndoctor',
            informationUri: 'https://github.com/go-conn-doctor/go-conn-doctor',
            version: VERSION,
            semanticVersion: VERSION,
            rules: allRules.map((r) => ({
              id: r.meta.id,
              name: r.meta.id.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase()),
              shortDescription: { text: r.meta.title },
              fullDescription: { text: r.meta.description },
              helpUri: docsUrl(r.meta),
              help: { text: r.meta.description },
              defaultConfiguration: { level: SARIF_LEVEL[r.meta.severity] },
              properties: { tags: ['go', 'reliability', r.meta.category] },
            })),
          },
        },
        columnKind: 'utf16CodeUnits',
        results: findings.map((f) => ({
          ruleId: f.rule,
          ruleIndex: allRules.findIndex((r) => r.meta.id === f.rule),
          level: SARIF_LEVEL[f.severity],
          message: { text: f.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: rel(f.file), uriBaseId: '%SRCROOT%' },
                region: {
                  startLine: f.range.start.line + 1,
                  startColumn: f.range.start.character + 1,
                  endLine: f.range.end.line + 1,
                  endColumn: f.range.end.character + 1,
                },
              },
            },
          ],
          partialFingerprints: { primaryLocationLineHash: `${f.rule}:${rel(f.file)}:${f.message}` },
        })),
      },
    ],
  };
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
