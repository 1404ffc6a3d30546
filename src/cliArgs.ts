// Command-line flags for conndoctor's commands: one table per command gives both the parser
// options and the help text, and a bad flag is one clean line (node's own messages are long and
// suggest `--` tricks users do not need).
import { parseArgs } from 'node:util';

export interface FlagSpec {
  name: string;
  type: 'string' | 'boolean';
  short?: string;
  /** The value's name in the help (`--format text|json|sarif`). */
  arg?: string;
  /** One line of help; flags without it are accepted but not listed. */
  help?: string;
}

export type FlagValues = Record<string, string | boolean | undefined>;

export type ParsedFlags = { values: FlagValues; positionals: string[] } | { error: string };

export function parseFlags(argv: string[], specs: FlagSpec[], command: string): ParsedFlags {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const s of specs) options[s.name] = s.short ? { type: s.type, short: s.short } : { type: s.type };
  try {
    const r = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { values: r.values as FlagValues, positionals: r.positionals };
  } catch (e) {
    return { error: flagError(e as Error & { code?: string }, specs, command) };
  }
}

function flagError(e: Error & { code?: string }, specs: FlagSpec[], command: string): string {
  const help = `run "${command} help" for the flags`;
  const quoted = /'(-[^' ]+)/.exec(e.message)?.[1] ?? '';
  const flag = quoted.replace(/=.*$/, '');
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const near = closest(
      flag.replace(/^-+/, ''),
      specs.filter((s) => s.help).map((s) => s.name),
    );
    return `${command}: unknown flag ${flag}${near ? ` (did you mean --${near}?)` : ''}; ${help}`;
  }
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const spec = specs.find((s) => `--${s.name}` === flag || (s.short && `-${s.short}` === flag));
    if (spec?.type === 'boolean') return `${command}: flag ${flag} takes no value; ${help}`;
    return `${command}: flag ${flag} needs a value${spec?.arg ? ` (${spec.arg})` : ''}; ${help}`;
  }
  return `${command}: ${e.message.split('\n')[0]}; ${help}`;
}

/** The known name closest to `name` (a typo: one edit for short names, two for longer ones). */
function closest(name: string, names: string[]): string | undefined {
  if (name.length < 3) return undefined;
  let best: string | undefined;
  let bestD = name.length >= 6 ? 3 : 2;
  for (const n of names) {
    const d = distance(name, n);
    if (d < bestD) [best, bestD] = [n, d];
  }
  return best;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}

/** The `Flags:` lines of a help text. */
export function flagHelp(specs: FlagSpec[]): string {
  const rows = specs
    .filter((s) => s.help)
    .map((s) => [`${s.short ? `-${s.short}, ` : ''}--${s.name}${s.arg ? ` ${s.arg}` : ''}`, s.help!] as const);
  const width = Math.max(...rows.map((r) => r[0].length)) + 3;
  return rows.map(([f, h]) => `  ${f.padEnd(width)}${h}`).join('\n');
}
