// Quick fixes for our findings (each Fix of a finding; the preferred one marked), "Ignore <rule> on
// this line", "Learn more", and "Fix all Go Conn Doctor problems in this file" as
// `source.fixAll.conndoctor` (runs from `editor.codeActionsOnSave`). When gopls already reports the
// same problem and we hide ours (dedupe.ts), our fixes are offered on gopls' diagnostic.
import * as vscode from 'vscode';
import { docsUrl, type Finding } from '../analysis/model';
import { ruleById } from '../analysis/rules/index';
import { findingsFor, sameSpot } from './dedupe';
import { SOURCE, toRange, type DiagnosticsManager } from './diagnostics';
import { fixAllText, hasAutoFix, ignoreEdit, minimalEdit } from './edits';
import { reportError } from './log';

export const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('conndoctor'); // source.fixAll.conndoctor
const IGNORE_KIND = vscode.CodeActionKind.QuickFix.append('conndoctor').append('ignore');
const LEARN_KIND = vscode.CodeActionKind.QuickFix.append('conndoctor').append('learnMore');

class FixAllAction extends vscode.CodeAction {
  constructor(
    readonly document: vscode.TextDocument,
    readonly version: number,
  ) {
    super(vscode.l10n.t('Fix all Go Conn Doctor problems in this file'), FIX_ALL_KIND);
  }
}

function codeValue(d: vscode.Diagnostic): string | undefined {
  const c = d.code;
  if (c === undefined) return undefined;
  return String(typeof c === 'object' ? c.value : c);
}

/** The finding behind one of our diagnostics: same rule, same range (or overlapping, if edits moved it). */
export function findingForOurDiagnostic(d: vscode.Diagnostic, findings: Finding[]): Finding | undefined {
  const rule = codeValue(d);
  const same = findings.filter((f) => f.rule === rule);
  const r = d.range;
  return (
    same.find(
      (f) =>
        f.range.start.line === r.start.line &&
        f.range.start.character === r.start.character &&
        f.range.end.line === r.end.line &&
        f.range.end.character === r.end.character,
    ) ?? same.find((f) => sameSpot(f.range, r) || sameSpot(r, f.range))
  );
}

export class CodeActionProvider implements vscode.CodeActionProvider<vscode.CodeAction> {
  static readonly metadata: vscode.CodeActionProviderMetadata = {
    providedCodeActionKinds: [vscode.CodeActionKind.QuickFix, FIX_ALL_KIND],
  };

  constructor(private readonly mgr: DiagnosticsManager) {}

  provideCodeActions(
    doc: vscode.TextDocument,
    _range: vscode.Range | vscode.Selection,
    ctx: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    try {
      return this.actions(doc, ctx);
    } catch (e) {
      reportError('computing quick fixes', e);
      return [];
    }
  }

  private actions(doc: vscode.TextDocument, ctx: vscode.CodeActionContext): vscode.CodeAction[] {
    if (!this.mgr.wanted(doc)) return [];
    const only = ctx.only;
    const wantQuick = !only || only.contains(vscode.CodeActionKind.QuickFix);
    const wantFixAll = !only || only.contains(FIX_ALL_KIND);
    if (!wantQuick && !wantFixAll) return [];
    const findings = this.mgr.currentFindings(doc);
    if (!findings.length) return [];
    const out: vscode.CodeAction[] = [];
    if (wantQuick) {
      const done = new Set<Finding>();
      for (const d of ctx.diagnostics) {
        const mine =
          d.source === SOURCE ? [findingForOurDiagnostic(d, findings)].filter((f): f is Finding => !!f) : findingsFor(d, findings);
        for (const f of mine) {
          if (done.has(f)) continue;
          done.add(f);
          out.push(...this.findingActions(doc, f, d));
        }
      }
    }
    if (wantFixAll && findings.some(hasAutoFix)) out.push(new FixAllAction(doc, doc.version));
    return out;
  }

  private findingActions(doc: vscode.TextDocument, f: Finding, diag: vscode.Diagnostic): vscode.CodeAction[] {
    const out: vscode.CodeAction[] = [];
    for (const fix of f.fixes) {
      const a = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
      a.diagnostics = [diag];
      a.isPreferred = !!fix.preferred;
      const edit = new vscode.WorkspaceEdit();
      for (const e of fix.edits) edit.replace(doc.uri, new vscode.Range(doc.positionAt(e.start), doc.positionAt(e.end)), e.newText);
      a.edit = edit;
      out.push(a);
    }
    const ig = ignoreEdit(doc.getText(), f.range.start.line, f.rule, vscode.l10n.t('reason'));
    if (ig) {
      const a = new vscode.CodeAction(vscode.l10n.t('Ignore {0} on this line', f.rule), IGNORE_KIND);
      a.diagnostics = [diag];
      const edit = new vscode.WorkspaceEdit();
      const range = new vscode.Range(doc.positionAt(ig.start), doc.positionAt(ig.end));
      if (ig.reason) {
        // A snippet edit puts the cursor on the reason, selected, ready to be typed over.
        const snippet = new vscode.SnippetString().appendText(ig.before).appendPlaceholder(ig.reason).appendText(ig.after);
        edit.set(doc.uri, [new vscode.SnippetTextEdit(range, snippet)]);
      } else edit.replace(doc.uri, range, ig.before + ig.after);
      a.edit = edit;
      out.push(a);
    }
    const meta = ruleById(f.rule)?.meta;
    if (meta) {
      const a = new vscode.CodeAction(vscode.l10n.t('Learn more about {0}', f.rule), LEARN_KIND);
      a.diagnostics = [diag];
      a.command = { title: a.title, command: 'vscode.open', arguments: [vscode.Uri.parse(docsUrl(meta))] };
      out.push(a);
    }
    return out;
  }

  resolveCodeAction(action: vscode.CodeAction): vscode.CodeAction {
    if (!(action instanceof FixAllAction)) return action;
    try {
      if (action.document.isClosed || action.document.version !== action.version) return action;
      const edit = fixAllEdit(this.mgr, action.document);
      if (edit) action.edit = edit.edit;
    } catch (e) {
      reportError('fixing all problems', e);
    }
    return action;
  }
}

/** The edit applying every preferred fix of the document (several rounds for overlapping fixes). */
export function fixAllEdit(
  mgr: DiagnosticsManager,
  doc: vscode.TextDocument,
): { edit: vscode.WorkspaceEdit; applied: number; remaining: number } | null {
  const text = doc.getText();
  const first = mgr.currentFindings(doc);
  const r = fixAllText(text, (t) => (t === text ? first : mgr.analyzeText(doc, t)), 5, first);
  const m = minimalEdit(text, r.text);
  if (!m) return null;
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, toRange({ start: doc.positionAt(m.start), end: doc.positionAt(m.end) }), m.newText);
  return { edit, applied: r.applied, remaining: r.remaining };
}
