// The rule list. Modules in this folder are picked up by scripts/gen-rules.mjs.
import type { Rule, RuleMeta } from '../model';
import { generatedRules } from './index.generated';

export const allRules: Rule[] = [...generatedRules].sort((a, b) => a.meta.id.localeCompare(b.meta.id));

export function ruleById(id: string): Rule | undefined {
  return allRules.find((r) => r.meta.id === id);
}

export function allRuleMeta(): RuleMeta[] {
  return allRules.map((r) => r.meta);
}
