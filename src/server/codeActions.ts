// Code actions for our findings: each fix of a finding as a quickfix (the preferred one marked),
// "Ignore <rule> on this line", "Disable <rule> in this workspace", "Learn more", and "Fix all
// Go Conn Doctor problems in this file" as `source.fixAll.conndoctor` (resolved lazily: it
// re-analyzes between rounds of fixes, which is work only worth doing when it is chosen).
import type { CodeAction, CodeActionParams, Diagnostic, TextEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding } from '../analysis/model';
import { ruleById } from '../analysis/rules/index';
import { SOURCE } from './diagnostics';
import { hasAutoFix, ignoreEdit } from './edits';
import { l10n } from './l10n';

export const FIX_ALL_KIND = 'source.fixAll.conndoctor';
export const QUICKFIX = 'quickfix';
export const IGNORE_KIND = 'quickfix.conndoctor.ignore';
export const DISABLE_KIND = 'quickfix.conndoctor.disable';
export const LEARN_KIND = 'quickfix.conndoctor.learnMore';

/** Commands the server executes (`workspace/executeCommand`). */
export const COMMANDS = {
  disableRule: 'conndoctor.disableRule',
  openRuleDoc: 'conndoctor.openRuleDoc',
  applyFixAll: 'conndoctor.applyFixAll',
} as const;

export interface FixAllData {
  fixAll: true;
  uri: string;
  version: number;
}

/** Is an action of `kind` wanted when the client asks `only` these kinds (hierarchical, `a.b` is in `a`)? */
export function wantedKind(kind: string, only: readonly string[] | undefined): boolean {
  return !only || only.length === 0 || only.some((o) => kind === o || kind.startsWith(`${o}.`));
}

const codeOf = (d: Diagnostic): string | undefined => (d.code === undefined ? undefined : String(d.code));

const before = (a: { line: number; character: number }, b: { line: number; character: number }) =>
  a.line < b.line || (a.line === b.line && a.character < b.character);
const overlaps = (a: Finding['range'], b: Finding['range']) => !before(a.end, b.start) && !before(b.end, a.start);
const sameRange = (a: Finding['range'], b: Finding['range']) =>
  a.start.line === b.start.line &&
  a.start.character === b.start.character &&
  a.end.line === b.end.line &&
  a.end.character === b.end.character;

/** The finding behind one of our diagnostics: same rule, same range (or overlapping, if edits moved it). */
export function findingForDiagnostic(d: Diagnostic, findings: readonly Finding[]): Finding | undefined {
  const rule = codeOf(d);
  const same = findings.filter((f) => f.rule === rule);
  return same.find((f) => sameRange(f.range, d.range)) ?? same.find((f) => overlaps(f.range, d.range));
}

/** Our offset edits as LSP edits of `doc`. */
export function editsOf(doc: TextDocument, edits: { start: number; end: number; newText: string }[]): TextEdit[] {
  return edits.map((e) => ({ range: { start: doc.positionAt(e.start), end: doc.positionAt(e.end) }, newText: e.newText }));
}

/** The actions for the request, given the document's current findings. */
export function codeActionsFor(params: CodeActionParams, doc: TextDocument, findings: readonly Finding[]): CodeAction[] {
  const only = params.context.only;
  const out: CodeAction[] = [];
  if (wantedKind(QUICKFIX, only)) {
    const done = new Set<Finding>();
    for (const d of params.context.diagnostics) {
      if (d.source !== SOURCE) continue;
      const f = findingForDiagnostic(d, findings);
      if (!f || done.has(f)) continue;
      done.add(f);
      out.push(...findingActions(doc, f, d, only));
    }
  }
  if (wantedKind(FIX_ALL_KIND, only) && findings.some(hasAutoFix)) {
    const data: FixAllData = { fixAll: true, uri: doc.uri, version: doc.version };
    out.push({ title: l10n.t('Fix all Go Conn Doctor problems in this file'), kind: FIX_ALL_KIND, data });
  }
  return out;
}

function findingActions(doc: TextDocument, f: Finding, diag: Diagnostic, only: readonly string[] | undefined): CodeAction[] {
  const out: CodeAction[] = [];
  const uri = doc.uri;
  for (const fix of f.fixes) {
    out.push({
      title: fix.title,
      kind: QUICKFIX,
      diagnostics: [diag],
      isPreferred: !!fix.preferred,
      edit: { changes: { [uri]: editsOf(doc, fix.edits) } },
    });
  }
  const ig = wantedKind(IGNORE_KIND, only) ? ignoreEdit(doc.getText(), f.range.start.line, f.rule, l10n.t('reason')) : null;
  if (ig) {
    out.push({
      title: l10n.t('Ignore {0} on this line', f.rule),
      kind: IGNORE_KIND,
      diagnostics: [diag],
      edit: { changes: { [uri]: editsOf(doc, [{ start: ig.start, end: ig.end, newText: ig.before + ig.reason + ig.after }]) } },
    });
  }
  if (wantedKind(DISABLE_KIND, only)) {
    const title = l10n.t('Disable {0} in this workspace', f.rule);
    out.push({ title, kind: DISABLE_KIND, diagnostics: [diag], command: { title, command: COMMANDS.disableRule, arguments: [f.rule] } });
  }
  if (ruleById(f.rule) && wantedKind(LEARN_KIND, only)) {
    const title = l10n.t('Learn more about {0}', f.rule);
    out.push({ title, kind: LEARN_KIND, diagnostics: [diag], command: { title, command: COMMANDS.openRuleDoc, arguments: [f.rule] } });
  }
  return out;
}
