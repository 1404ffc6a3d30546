// Findings as LSP diagnostics: source `conndoctor`, the rule id as code with a link to its page
// (the copy bundled next to the server when there is one, so it opens offline), severities.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import { docsUrl, type Finding, type RuleMeta, type Severity } from '../analysis/model';
import { localized } from '../analysis/messages';
import { ruleById } from '../analysis/rules/index';
import type { Locale } from '../knowledge/model';

export const SOURCE = 'conndoctor';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

let docsDir: string | null | undefined;

/** docs/rules of the installed package: beside dist/ in the VSIX and the npm package, or the source tree. */
function bundledDocsDir(): string | null {
  if (docsDir !== undefined) return docsDir;
  const candidates = [join(__dirname, '..', 'docs', 'rules'), join(__dirname, '..', '..', 'docs', 'rules')];
  docsDir = candidates.find((d) => existsSync(d)) ?? null;
  return docsDir;
}

/** The rule's page: the bundled file (offline) when it exists, else the repository's copy online. */
export function ruleDocUri(meta: RuleMeta): string {
  const dir = bundledDocsDir();
  const file = dir ? join(dir, `${meta.docs}.md`) : null;
  return file && existsSync(file) ? pathToFileURL(file).href : docsUrl(meta);
}

const metaOf = (rule: string) => ruleById(rule)?.meta;

/** A finding as a diagnostic of `uri`, its message and related locations in `locale`. */
export function toDiagnostic(f: Finding, uri: string, locale: Locale = 'en'): Diagnostic {
  const meta = metaOf(f.rule);
  const d: Diagnostic = {
    range: f.range,
    severity: SEVERITY[f.severity] ?? DiagnosticSeverity.Warning,
    source: SOURCE,
    code: f.rule,
    message: localized(f.messageId, f.args, f.message, locale, metaOf),
  };
  if (meta) d.codeDescription = { href: ruleDocUri(meta) };
  if (f.related?.length)
    d.relatedInformation = f.related.map((r) => ({
      location: { uri, range: r.range },
      message: localized(r.messageId, r.args, r.message, locale, metaOf),
    }));
  return d;
}

/** A short id for a list of diagnostics: equal ids mean the client may keep what it shows. */
export function resultIdOf(diagnostics: Diagnostic[]): string {
  return createHash('sha1').update(JSON.stringify(diagnostics)).digest('base64url').slice(0, 16);
}
