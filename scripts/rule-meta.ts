// Everything outside a rule's module that names the rule is generated from the rule's own metadata
// (`meta` in src/analysis/rules/<id>.ts): the conndoctor.rules settings in package.json, their
// English and Chinese strings in package.nls.json / package.nls.zh-cn.json, and the index of rule
// pages docs/rules/README.md. `npm run gen:meta` writes them; test/unit/rule-meta.test.ts fails
// when one is out of date, so the manifest, the translations and the docs cannot drift from the code.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RuleMeta } from '../src/analysis/model';
import { allRules } from '../src/analysis/rules/index';

export const ROOT = join(__dirname, '..');
const SEVERITIES = ['off', 'error', 'warning', 'info', 'hint'] as const;

export interface Generated {
  /** Relative to the repository root. */
  path: string;
  text: string;
}

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');

function zhTitle(m: RuleMeta): string {
  if (!m.zh) throw new Error(`rule ${m.id} has no zh title (meta.zh)`);
  return m.zh.title;
}

/** The `conndoctor.rules` object setting: one severity property per rule, described by its title. */
function rulesSetting(metas: RuleMeta[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const m of metas) {
    out[m.id] = {
      type: 'string',
      enum: [...SEVERITIES],
      enumDescriptions: SEVERITIES.map((s) => `%config.rules.severity.${s}%`),
      markdownDescription: `%config.rules.${m.id}%`,
    };
  }
  return out;
}

/** An nls file with the rules' entries replaced (stale ones dropped), keys sorted. */
function nls(path: string, metas: RuleMeta[], text: (m: RuleMeta) => string): string {
  const cur = JSON.parse(read(path)) as Record<string, string>;
  const ids = new Set(metas.map((m) => m.id));
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(cur)) {
    const m = /^config\.rules\.([\w-]+)$/.exec(k);
    if (m && !ids.has(m[1]) && !k.startsWith('config.rules.severity.')) continue;
    out[k] = v;
  }
  for (const m of metas) out[`config.rules.${m.id}`] = text(m);
  const sorted: Record<string, string> = {};
  for (const k of Object.keys(out).sort()) sorted[k] = out[k];
  return json(sorted);
}

function docsIndex(metas: RuleMeta[]): string {
  const rows = metas.map(
    (m) => `| [\`${m.id}\`](${m.docs}.md) | ${m.title} | ${m.severity} | ${m.category} | ${m.minGo ? `≥ ${m.minGo}` : 'any'} |`,
  );
  return [
    '# Rules',
    '',
    "<!-- Generated from the rules' metadata by `npm run gen:meta`; edit the rule modules, not this file. -->",
    '',
    'One page per rule: what fails at run time, the Go versions involved, what the fix writes, and sources.',
    '"Go" is the version a rule or its preferred fix needs (from the module\'s `go.mod`).',
    '',
    '| rule | finds | default | category | Go |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

/** The generated files' expected contents, from the current rules and the files' other parts. */
export function generated(): Generated[] {
  const metas = allRules.map((r) => r.meta);
  type Section = { properties: Record<string, { properties?: Record<string, unknown> }> };
  const pkg = JSON.parse(read('package.json')) as { contributes: { configuration: Section | Section[] } };
  // The settings may be one object or sections (Settings UI groups); conndoctor.rules is in one of them.
  const sections = ([] as Section[]).concat(pkg.contributes.configuration);
  const section = sections.find((c) => c.properties['conndoctor.rules']);
  if (!section) throw new Error('package.json declares no conndoctor.rules setting');
  section.properties['conndoctor.rules'].properties = rulesSetting(metas);
  return [
    { path: 'package.json', text: json(pkg) },
    { path: 'package.nls.json', text: nls('package.nls.json', metas, (m) => `${m.title}.`) },
    { path: 'package.nls.zh-cn.json', text: nls('package.nls.zh-cn.json', metas, (m) => `${zhTitle(m)}。`) },
    { path: 'docs/rules/README.md', text: docsIndex(metas) },
  ];
}

if (require.main === module) {
  for (const g of generated()) {
    let old: string | null = null;
    try {
      old = read(g.path);
    } catch {
      /* new file */
    }
    if (old === g.text) continue;
    writeFileSync(join(ROOT, g.path), g.text);
    process.stdout.write(`gen:meta: wrote ${g.path}\n`);
  }
}
