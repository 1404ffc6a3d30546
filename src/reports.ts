// Findings as the CLI prints them: text for people (one line each, Go's file:line:col), JSON for
// scripts and SARIF 2.1.0 for code scanning. Positions come in two units: the analyzer's UTF-16
// code units (what LSP and VS Code use) and UTF-8 bytes (what the Go toolchain prints).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LineIndex } from './analysis/context';
import type { Finding, RuleMeta } from './analysis/model';
import { docsUrl } from './analysis/model';

/** A file's text with its line index, for turning UTF-16 offsets into lines and byte columns. */
export class SourceText {
  private readonly index: LineIndex;
  private byteStarts: number[] | undefined;

  constructor(readonly text: string) {
    this.index = new LineIndex(text);
  }

  line(n: number): string {
    const start = this.index.offset(n, 0);
    const end = n + 1 < this.index.lineCount ? this.index.offset(n + 1, 0) - 1 : this.text.length;
    return this.text.slice(start, end).replace(/\r$/, '');
  }

  /** 0-based line and UTF-16 character of a UTF-16 offset. */
  position(offset: number): { line: number; character: number } {
    return this.index.position(offset);
  }

  /** 1-based UTF-8 byte column of (0-based line, UTF-16 character). */
  byteColumn(line: number, character: number): number {
    const start = this.index.offset(line, 0);
    return Buffer.byteLength(this.text.slice(start, start + character)) + 1;
  }

  /** 0-based UTF-8 byte offset of a UTF-16 offset. */
  byteOffset(offset: number): number {
    const { line } = this.index.position(offset);
    // Byte starts of lines, filled forward as far as asked.
    this.byteStarts ??= [0];
    for (let i = this.byteStarts.length; i <= line; i++)
      this.byteStarts[i] =
        this.byteStarts[i - 1] + Buffer.byteLength(this.text.slice(this.index.offset(i - 1, 0), this.index.offset(i, 0)));
    return this.byteStarts[line] + Buffer.byteLength(this.text.slice(this.index.offset(line, 0), offset));
  }
}

/** Reads each file once; a file that vanished since analysis reads as empty. */
export class Sources {
  private cache = new Map<string, SourceText>();
  get(file: string): SourceText {
    let s = this.cache.get(file);
    if (!s) {
      let text = '';
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        /* deleted or unreadable since the analysis: positions stay UTF-16 based */
      }
      this.cache.set(file, (s = new SourceText(text)));
    }
    return s;
  }
}

// ---- text ----

export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  severity(sev: string, s: string): string;
}

const sgr = (code: string) => (s: string) => `\x1b[${code}m${s}\x1b[0m`;
const SEVERITY_SGR: Record<string, string> = { error: '1;31', warning: '1;33', info: '1;36', hint: '2' };

export const PLAIN: Style = { bold: (s) => s, dim: (s) => s, severity: (_sev, s) => s };
export const COLOR: Style = { bold: sgr('1'), dim: sgr('2'), severity: (sev, s) => sgr(SEVERITY_SGR[sev] ?? '1')(s) };

/**
 * Colour when the stream is a terminal, as node decides for its own output: FORCE_COLOR wins
 * (FORCE_COLOR=0 turns colour off), then NO_COLOR, NODE_DISABLE_COLORS and TERM=dumb turn it off.
 */
export function wantsColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.NODE_DISABLE_COLORS !== undefined || env.TERM === 'dumb') return false;
  return !!stream.isTTY;
}

/**
 * `file:line:col: severity: message (rule)` with a 1-based UTF-8 byte column, as go vet prints. The
 * message is the rule's whole headline (one short line by message id), never cut at a `: `.
 */
export function textLine(f: Finding, file: string, src: SourceText, st: Style): string {
  const col = src.byteColumn(f.range.start.line, f.range.start.character);
  return `${st.bold(`${file}:${f.range.start.line + 1}:${col}`)}: ${st.severity(f.severity, f.severity)}: ${f.message} ${st.dim(`(${f.rule})`)}`;
}

/** --verbose: the source line with the finding underlined, its fixes and the rule's page. */
export function textDetails(f: Finding, src: SourceText, meta: RuleMeta | undefined, st: Style): string {
  const line = src.line(f.range.start.line);
  const expand = (s: string) => s.replace(/\t/g, '    ');
  const startCol = expand(line.slice(0, f.range.start.character)).length;
  const endChar = f.range.end.line === f.range.start.line ? f.range.end.character : line.length;
  const width = Math.max(1, expand(line.slice(0, endChar)).length - startCol);
  const out = [`    ${expand(line)}`, `    ${' '.repeat(startCol)}${st.severity(f.severity, `^${'~'.repeat(width - 1)}`)}`];
  for (const r of f.related ?? []) out.push(`    ${st.dim(`line ${r.range.start.line + 1}:`)} ${r.message}`);
  for (const fix of f.fixes) out.push(`    ${st.dim('fix:')} ${fix.title}${fix.preferred ? st.dim(' (--fix applies it)') : ''}`);
  if (meta) out.push(`    ${st.dim('docs:')} ${docsUrl(meta)}`);
  return out.join('\n');
}

/** The closing summary: counts by rule, and how many --fix would fix. */
export function textSummary(findings: Finding[], st: Style): string {
  const files = new Set(findings.map((f) => f.file)).size;
  const byRule = new Map<string, number>();
  for (const f of findings) byRule.set(f.rule, (byRule.get(f.rule) ?? 0) + 1);
  const fixable = findings.filter((f) => f.fixes.some((x) => x.preferred)).length;
  const rows = [...byRule].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const width = Math.max(...rows.map(([r]) => r.length));
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  return [
    `${st.bold(`${plural(findings.length, 'finding')} in ${plural(files, 'file')}`)}${fixable ? ` (${fixable} fixable with --fix)` : ''}:`,
    ...rows.map(([r, n]) => `  ${r.padEnd(width)}  ${String(n).padStart(4)}`),
  ].join('\n');
}

// ---- JSON ----

/**
 * One finding for --format json. `line`/`column` and fix `start`/`end` are in UTF-16 code units
 * (LSP, VS Code); `byteColumn` and `offset`/`endOffset` are UTF-8 bytes (the Go toolchain's unit).
 */
export function toJson(f: Finding, file: string, src: SourceText) {
  return {
    file,
    line: f.range.start.line + 1,
    column: f.range.start.character + 1,
    endLine: f.range.end.line + 1,
    endColumn: f.range.end.character + 1,
    byteColumn: src.byteColumn(f.range.start.line, f.range.start.character),
    endByteColumn: src.byteColumn(f.range.end.line, f.range.end.character),
    offset: src.byteOffset(f.startOffset),
    endOffset: src.byteOffset(f.endOffset),
    rule: f.rule,
    severity: f.severity,
    message: f.message,
    ...(f.messageId ? { messageId: f.messageId } : {}),
    ...(f.related?.length
      ? {
          related: f.related.map((r) => ({
            line: r.range.start.line + 1,
            column: r.range.start.character + 1,
            endLine: r.range.end.line + 1,
            endColumn: r.range.end.character + 1,
            message: r.message,
          })),
        }
      : {}),
    fixes: f.fixes.map((x) => ({
      title: x.title,
      preferred: !!x.preferred,
      edits: x.edits.map((e) => ({
        start: e.start,
        end: e.end,
        offset: src.byteOffset(e.start),
        endOffset: src.byteOffset(e.end),
        newText: e.newText,
      })),
    })),
  };
}

// ---- SARIF ----

const SARIF_LEVEL: Record<string, string> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };
const SRCROOT = '%SRCROOT%';

export interface SarifInput {
  findings: Finding[];
  rules: RuleMeta[];
  version: string;
  /** Directory relative URIs are resolved against (the working directory). */
  root: string;
  /** Path relative to root with `/` separators, or null for files outside it. */
  rel: (file: string) => string | null;
  sources: Sources;
  /** Warnings of the run (skipped files, syntax errors): code scanning shows them on the tool's status page. */
  notifications: { message: string; file?: string; line?: number }[];
  successful: boolean;
}

function artifact(file: string, rel: SarifInput['rel']) {
  const r = rel(file);
  if (r !== null) return { uri: r.split('/').map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
  return { uri: pathToFileURL(file).href };
}

function region(src: SourceText, start: number, end: number) {
  const a = src.position(start);
  const b = src.position(end);
  return { startLine: a.line + 1, startColumn: a.character + 1, endLine: b.line + 1, endColumn: b.character + 1 };
}

/**
 * A fingerprint that survives lines moving: the rule, the file, the finding's own line with its
 * whitespace collapsed and the enclosing function's signature line, hashed; `:n` numbers repeats.
 */
export function fingerprints(findings: Finding[], relName: (file: string) => string, sources: Sources): string[] {
  const seen = new Map<string, number>();
  return findings.map((f) => {
    const src = sources.get(f.file);
    const norm = (s: string) => s.replace(/\s+/g, ' ').trim();
    let fn = '';
    for (let l = f.range.start.line; l >= 0; l--) {
      const t = src.line(l);
      if (/^func\b/.test(t)) {
        fn = norm(t);
        break;
      }
    }
    const key = createHash('sha256')
      .update([f.rule, relName(f.file), norm(src.line(f.range.start.line)), fn].join('\u0000'))
      .digest('hex')
      .slice(0, 32);
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    return `${key}:${n}`;
  });
}

export function toSarif(input: SarifInput) {
  const { findings, rules, sources, rel } = input;
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const prints = fingerprints(findings, (f) => rel(f) ?? f, sources);
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'conndoctor',
            fullName: 'Go Conn Doctor',
            informationUri: 'https://github.com/go-conn-doctor/go-conn-doctor',
            version: input.version,
            semanticVersion: input.version,
            rules: rules.map((r) => ({
              id: r.id,
              name: r.id.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase()),
              shortDescription: { text: r.title },
              fullDescription: { text: r.description },
              helpUri: docsUrl(r),
              help: { text: `${r.description}\n\n${docsUrl(r)}`, markdown: `${r.description}\n\n[Documentation](${docsUrl(r)})` },
              defaultConfiguration: { level: SARIF_LEVEL[r.severity] },
              properties: { tags: ['go', 'reliability', r.category], ...(r.minGo ? { minGo: r.minGo } : {}) },
            })),
          },
        },
        originalUriBaseIds: { [SRCROOT]: { uri: pathToFileURL(input.root.endsWith('/') ? input.root : `${input.root}/`).href } },
        invocations: [
          {
            executionSuccessful: input.successful,
            toolExecutionNotifications: input.notifications.map((n) => ({
              level: 'warning',
              message: { text: n.message },
              ...(n.file && isAbsolute(n.file)
                ? {
                    locations: [
                      {
                        physicalLocation: { artifactLocation: artifact(n.file, rel), ...(n.line ? { region: { startLine: n.line } } : {}) },
                      },
                    ],
                  }
                : {}),
            })),
          },
        ],
        columnKind: 'utf16CodeUnits',
        results: findings.map((f, i) => {
          const src = sources.get(f.file);
          const loc = artifact(f.file, rel);
          return {
            ruleId: f.rule,
            ruleIndex: ruleIndex.get(f.rule),
            level: SARIF_LEVEL[f.severity],
            message: { text: f.message },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: loc,
                  region: {
                    startLine: f.range.start.line + 1,
                    startColumn: f.range.start.character + 1,
                    endLine: f.range.end.line + 1,
                    endColumn: f.range.end.character + 1,
                  },
                },
              },
            ],
            ...(f.related?.length
              ? {
                  relatedLocations: f.related.map((r, id) => ({
                    id,
                    message: { text: r.message },
                    physicalLocation: {
                      artifactLocation: loc,
                      region: {
                        startLine: r.range.start.line + 1,
                        startColumn: r.range.start.character + 1,
                        endLine: r.range.end.line + 1,
                        endColumn: r.range.end.character + 1,
                      },
                    },
                  })),
                }
              : {}),
            partialFingerprints: { 'conndoctor/v1': prints[i] },
            ...(f.fixes.length
              ? {
                  fixes: f.fixes.map((x) => ({
                    description: { text: x.title },
                    artifactChanges: [
                      {
                        artifactLocation: loc,
                        replacements: x.edits.map((e) => ({
                          deletedRegion: region(src, e.start, e.end),
                          insertedContent: { text: e.newText },
                        })),
                      },
                    ],
                  })),
                }
              : {}),
          };
        }),
      },
    ],
  };
}
