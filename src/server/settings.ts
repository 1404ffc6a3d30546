// The settings (`conndoctor.*`), read and validated. The language server gets them from the
// client (`workspace/configuration`, `didChangeConfiguration`, or `initializationOptions` for
// editors that send settings up front) as one object; `objectSource` reads it by dotted key.
import { DEFAULT_FIX_SETTINGS, type FixSettings } from '../analysis/context';
import type { AnalyzeOptions } from '../analysis/engine';
import type { Severity } from '../analysis/model';

export type RunMode = 'onType' | 'onSave';
export type HoverMode = 'off' | 'compact' | 'full';

export interface Settings {
  enable: boolean;
  run: RunMode;
  /** Rule id -> severity override or "off". Only known ids with valid values. */
  rules: Record<string, Severity | 'off'>;
  fix: FixSettings;
  /** Globs (VS Code glob syntax) relative to the workspace folder. */
  exclude: string[];
  /** How much the API cards say on hover. */
  hover: HoverMode;
  /** Analyze files marked `// Code generated … DO NOT EDIT.` too (the CLI's --include-generated). */
  includeGenerated: boolean;
}

/** What `WorkspaceConfiguration` offers that we use (also easy to fake in tests). */
export interface ConfigSource {
  get<T>(key: string): T | undefined;
}

export const DEFAULT_SETTINGS: Settings = {
  enable: true,
  run: 'onType',
  rules: {},
  fix: { ...DEFAULT_FIX_SETTINGS },
  exclude: [],
  hover: 'compact',
  includeGenerated: false,
};

const SEVERITIES: Record<string, Severity | 'off'> = {
  off: 'off',
  none: 'off',
  error: 'error',
  warning: 'warning',
  warn: 'warning',
  info: 'info',
  information: 'info',
  hint: 'hint',
};

/**
 * A timeout setting is pasted into Go code by quick-fixes, so it must be a small Go duration
 * expression: `5 * time.Second`, `time.Minute`, `2*time.Minute + 30*time.Second`, a constant name.
 * Anything else (quotes, semicolons, newlines, braces, calls) is rejected.
 */
export function isGoDurationExpr(s: string): boolean {
  if (s.length === 0 || s.length > 80) return false;
  if (!/^[A-Za-z0-9_.*+\-/ ()\t]+$/.test(s)) return false;
  if (/\w\s*\(/.test(s.replace(/\btime\.Duration\s*\(/g, '('))) return false; // no calls, but conversions to time.Duration
  let depth = 0;
  for (const c of s) {
    if (c === '(') depth++;
    else if (c === ')' && --depth < 0) return false;
  }
  if (depth !== 0) return false;
  // Must contain a number or an identifier, and not end with an operator.
  return /[A-Za-z0-9_]/.test(s) && !/[*+\-/.]\s*$/.test(s) && !/^\s*[*+/.]/.test(s);
}

export interface ParsedSettings {
  settings: Settings;
  /** Human-readable problems with the user's values (each was replaced by the default). */
  problems: string[];
}

/** Reads `conndoctor.*` from `cfg`; `knownRules` (ids of allRules) validates `conndoctor.rules` keys. */
export function parseSettings(cfg: ConfigSource, knownRules?: ReadonlySet<string>): ParsedSettings {
  const problems: string[] = [];
  const s: Settings = { ...DEFAULT_SETTINGS, rules: {}, fix: { ...DEFAULT_FIX_SETTINGS }, exclude: [] };

  const gen = cfg.get<unknown>('includeGenerated');
  if (typeof gen === 'boolean') s.includeGenerated = gen;
  else if (gen !== undefined && gen !== null)
    problems.push(`conndoctor.includeGenerated: expected true or false, got ${JSON.stringify(gen)}`);

  const hover = cfg.get<unknown>('hover');
  if (hover === 'off' || hover === 'compact' || hover === 'full') s.hover = hover;
  else if (hover !== undefined && hover !== null)
    problems.push(`conndoctor.hover: expected "off", "compact" or "full", got ${JSON.stringify(hover)}`);

  const enable = cfg.get<unknown>('enable');
  if (typeof enable === 'boolean') s.enable = enable;
  else if (enable !== undefined && enable !== null)
    problems.push(`conndoctor.enable: expected true or false, got ${JSON.stringify(enable)}`);

  const run = cfg.get<unknown>('run');
  if (run === 'onType' || run === 'onSave') s.run = run;
  else if (run !== undefined && run !== null) problems.push(`conndoctor.run: expected "onType" or "onSave", got ${JSON.stringify(run)}`);

  const rules = cfg.get<unknown>('rules');
  if (rules && typeof rules === 'object' && !Array.isArray(rules)) {
    for (const [id, v] of Object.entries(rules as Record<string, unknown>)) {
      if (knownRules && !knownRules.has(id)) {
        problems.push(`conndoctor.rules: unknown rule "${id}"`);
        continue;
      }
      const sev = typeof v === 'string' ? SEVERITIES[v.toLowerCase()] : typeof v === 'boolean' ? (v ? undefined : 'off') : undefined;
      if (sev) s.rules[id] = sev;
      else if (v !== true)
        problems.push(`conndoctor.rules.${id}: expected "off", "error", "warning", "info" or "hint", got ${JSON.stringify(v)}`);
    }
  } else if (rules !== undefined && rules !== null) problems.push('conndoctor.rules: expected an object of rule id -> severity');

  for (const key of Object.keys(DEFAULT_FIX_SETTINGS) as (keyof FixSettings)[]) {
    const v = cfg.get<unknown>(`fix.${key}`);
    if (v === undefined || v === null || v === '') continue;
    if (typeof v === 'string' && isGoDurationExpr(v.trim())) s.fix[key] = v.trim();
    else
      problems.push(
        `conndoctor.fix.${key}: ${JSON.stringify(v)} is not a Go duration expression like "5 * time.Second"; using ${DEFAULT_FIX_SETTINGS[key]}`,
      );
  }

  const exclude = cfg.get<unknown>('exclude');
  if (Array.isArray(exclude)) {
    for (const g of exclude) {
      if (typeof g === 'string' && g.trim()) s.exclude.push(g.trim());
      else problems.push(`conndoctor.exclude: ignoring ${JSON.stringify(g)} (expected a glob string)`);
    }
  } else if (exclude && typeof exclude === 'object') {
    // files.exclude style: { "glob": true }
    for (const [g, on] of Object.entries(exclude as Record<string, unknown>)) if (on === true) s.exclude.push(g);
  } else if (exclude !== undefined && exclude !== null) problems.push('conndoctor.exclude: expected an array of globs');

  return { settings: s, problems };
}

/**
 * Reads a settings object by dotted key: `{ fix: { dialTimeout } }` and `{ "fix.dialTimeout" }`
 * (as some editors write them) both answer `get('fix.dialTimeout')`.
 */
export function objectSource(obj: unknown): ConfigSource {
  const root = obj && typeof obj === 'object' ? (obj as Record<string, unknown>) : {};
  return {
    get<T>(key: string): T | undefined {
      if (key in root) return root[key] as T;
      let cur: unknown = root;
      for (const part of key.split('.')) {
        if (!cur || typeof cur !== 'object') return undefined;
        cur = (cur as Record<string, unknown>)[part];
      }
      return cur as T | undefined;
    },
  };
}

/** The analyzer options these settings mean. */
export function analyzeOptions(s: Settings): AnalyzeOptions {
  return { severity: { ...s.rules }, fix: { ...s.fix }, includeGenerated: s.includeGenerated };
}
