// The fuzz campaign: mutated fixtures, generated programs (every import layout Go allows, with code
// that draws fixes) and the adversarial shapes go through the analyzer; every fix is applied and
// the output judged by Go's own parser (`gofmt -e`), which accepted the input. Seeded, so a failure
// reproduces. `npm test` runs a small campaign (test/unit/fuzz.test.ts), `npm run fuzz` a long one.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, applyEdits, applyPreferredFixes, type Analysis } from '../../src/analysis/engine';
import type { Finding } from '../../src/analysis/model';
import { gofmtRejects, haveGofmt } from '../unit/helpers/gocheck';
import { SHAPES, sizeFor } from './shapes';

/** Small deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOKENS = [
  '{',
  '}',
  '(',
  ')',
  'if err != nil {',
  'return',
  'defer',
  'go',
  'func',
  ':=',
  '=',
  ',',
  'conn.Close()',
  'resp.Body',
  'for {',
  'select {',
  'case',
  '"',
  '`',
  '/*',
  '\n',
  'nil',
  '.',
  'net.Dial("tcp", a)',
];

export function mutate(text: string, r: () => number): string {
  const at = Math.floor(r() * text.length);
  switch (Math.floor(r() * 5)) {
    case 0:
      return text.slice(0, at); // truncated file
    case 1:
      return text.slice(0, at) + text.slice(at + 1 + Math.floor(r() * 40)); // deleted span
    case 2:
      return text.slice(0, at) + TOKENS[Math.floor(r() * TOKENS.length)] + text.slice(at); // inserted token
    case 3: {
      const lines = text.split('\n');
      const i = Math.floor(r() * lines.length);
      const j = Math.floor(r() * lines.length);
      [lines[i], lines[j]] = [lines[j], lines[i]];
      return lines.join('\n'); // swapped lines
    }
    default: {
      const end = Math.min(text.length, at + 200);
      return text.slice(0, at) + text.slice(at, end).replace(/\}/g, '{') + text.slice(end); // unbalanced blocks
    }
  }
}

/** Function bodies that draw findings with fixes (the imports they need vary with the header). */
const SNIPPETS = [
  'func dial(a string) error {\n\tc, err := net.Dial("tcp", a)\n\tif err != nil {\n\t\treturn err\n\t}\n\t_, err = c.Write([]byte("x"))\n\treturn err\n}\n',
  'func get(u string) ([]byte, error) {\n\tresp, err := http.Get(u)\n\tif err != nil {\n\t\treturn nil, err\n\t}\n\treturn io.ReadAll(resp.Body)\n}\n',
  'func serve() error {\n\treturn http.ListenAndServe(":8080", nil)\n}\n',
  'func run() {\n\tsrv := &http.Server{Addr: ":8080"}\n\tif err := srv.ListenAndServe(); err != nil {\n\t\tlog.Fatal(err)\n\t}\n}\n',
  'func handle(c net.Conn) {\n\tdefer c.Close()\n\tbuf := make([]byte, 1024)\n\tfor {\n\t\tn, err := c.Read(buf)\n\t\tif err != nil {\n\t\t\treturn\n\t\t}\n\t\t_ = n\n\t}\n}\n',
  'func isTimeout(err error) bool {\n\tif ne, ok := err.(net.Error); ok && ne.Timeout() {\n\t\treturn true\n\t}\n\treturn false\n}\n',
  'func stop(srv *http.Server) {\n\tsrv.Shutdown(context.Background())\n}\n',
  'func accept(ln net.Listener) {\n\tfor {\n\t\tc, err := ln.Accept()\n\t\tif err != nil {\n\t\t\tcontinue\n\t\t}\n\t\tgo handle2(c)\n\t}\n}\n\nfunc handle2(c net.Conn) {\n\tdefer c.Close()\n}\n',
  'func fetch(u string) error {\n\tresp, err := http.Get(u)\n\tdefer resp.Body.Close()\n\tif err != nil {\n\t\treturn err\n\t}\n\treturn nil\n}\n',
  'func slow(w http.ResponseWriter, r *http.Request) {\n\ttime.Sleep(5 * time.Second)\n\tw.Write([]byte("ok"))\n}\n',
  'func client() *http.Client {\n\treturn &http.Client{}\n}\n',
  'func closeSrv(srv *http.Server) {\n\tsrv.Close()\n}\n',
  'func poke(c net.Conn) {\n\tc.SetReadDeadline(time.Now())\n\tc.Read(nil)\n}\n',
  'func leak(a string) {\n\tc, err := net.DialTimeout("tcp", a, time.Second)\n\tif err != nil {\n\t\treturn\n\t}\n\tc.Write(nil)\n}\n',
];

/** Import layouts Go accepts (and some it does not: no package clause), for the paths in `paths`. */
function header(paths: string[], r: () => number): string {
  const pkg = r() < 0.08 ? '' : 'package p\n\n';
  const q = paths.map((p) => `"${p}"`);
  const pick = Math.floor(r() * 11);
  let imports = '';
  if (!q.length || pick === 0) imports = '';
  else if (pick === 1) imports = `import (\n${q.map((x) => `\t${x}`).join('\n')}\n)\n\n`;
  else if (pick === 2)
    imports = `import (${q.join('; ')})\n\n`; // one-line group
  else if (pick === 3)
    imports = `import (\n\t${q.join('; ')}\n)\n\n`; // two specs on a line
  else if (pick === 4) imports = q.map((x) => `import ${x}\n`).join('') + '\n';
  else if (pick === 5) imports = `import ${q[0]}\n\n`;
  else if (pick === 6) imports = `import (\n\t// the network\n${q.map((x) => `\t${x} // why`).join('\n')}\n)\n\n`;
  else if (pick === 7) imports = `import (\n\t"example.com/x"\n\n${q.map((x) => `\t${x}`).join('\n')}\n)\n\nvar _ = x.Y\n\n`;
  else if (pick === 8) imports = `import str "strings"\n\nimport (\n${q.map((x) => `\t${x}`).join('\n')}\n)\n\nvar _ = str.ToUpper\n\n`;
  else if (pick === 9) imports = `import ()\n\n`;
  else imports = `import (${q[0]}\n\t${q.slice(1).join('\n\t')}\n)\n\n`; // first spec on the `(` line
  return pkg + imports;
}

export function program(r: () => number): string {
  const body: string[] = [];
  const n = 1 + Math.floor(r() * 4);
  for (let i = 0; i < n; i++) body.push(SNIPPETS[Math.floor(r() * SNIPPETS.length)]);
  const all = ['context', 'io', 'log', 'net', 'net/http', 'time'];
  const paths = all.filter(() => r() < 0.5);
  return header(paths, r) + [...new Set(body)].join('\n');
}

export function fixtures(): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  const fx = join(__dirname, '..', 'fixtures');
  for (const d of readdirSync(fx).sort())
    for (const f of readdirSync(join(fx, d)).sort())
      if (f.endsWith('.go')) out.push({ name: `${d}/${f}`, text: readFileSync(join(fx, d, f), 'utf8') });
  return out;
}

/** Fix outputs judged per rule and input (see runCampaign). */
const PER_RULE = 12;

export interface Input {
  name: string;
  text: string;
}

export interface CampaignResult {
  inputs: number;
  /** Inputs Go's parser accepts (their fix outputs are judged). */
  validInputs: number;
  findings: number;
  /** Exceptions out of the analyzer (or a rule), by input. */
  crashes: { input: string; error: string }[];
  /** Inputs not fully analyzed: parse cancelled, rules out of time, nesting too deep. */
  parseTimeouts: number;
  budgetHits: number;
  nestingSkips: number;
  /** Fix outputs of valid inputs, and those Go's parser rejects. */
  fixOutputs: number;
  rejected: { input: string; fix: string; error: string; output: string }[];
  worstMs: number;
  worstInput: string;
}

/** Generates the inputs of a campaign (deterministic for a seed). */
export function inputs(seed: number, counts: { mutations: number; programs: number; shapeKb: number[] }): Input[] {
  const r = rng(seed);
  const out: Input[] = [];
  const fx = fixtures();
  for (let i = 0; i < counts.mutations; i++) {
    // Every fixture in turn, so that a small campaign still covers them all.
    const f = fx[i % fx.length];
    let text = f.text;
    const n = 1 + Math.floor(r() * 3);
    for (let k = 0; k < n; k++) text = mutate(text, r);
    out.push({ name: `mutation ${i} of ${f.name}`, text });
  }
  for (let i = 0; i < counts.programs; i++) out.push({ name: `program ${i}`, text: program(r) });
  for (const kb of counts.shapeKb) for (const s of SHAPES) out.push({ name: `${s.name} ${kb} KB`, text: s.make(sizeFor(s, kb * 1024)) });
  return out;
}

/**
 * Runs the inputs: analysis (exceptions are crashes), then every fix of every finding and up to
 * three rounds of preferred fixes (as --fix does), each output of an input Go accepts judged by Go.
 */
export function runCampaign(all: Input[], opts: { judge?: boolean } = {}): CampaignResult {
  // gofmt holds every file it is given, and Go's parser needs gigabytes for the deepest shapes at
  // 512 KB: inputs over 20 KB are analyzed (crashes, budgets) but their fixes are not judged.
  const judgeable = (t: string) => t.length <= 20 * 1024;
  const res: CampaignResult = {
    inputs: all.length,
    validInputs: 0,
    findings: 0,
    crashes: [],
    parseTimeouts: 0,
    budgetHits: 0,
    nestingSkips: 0,
    fixOutputs: 0,
    rejected: [],
    worstMs: 0,
    worstInput: '',
  };
  const judge = opts.judge ?? haveGofmt();
  // Inputs without a package clause are judged with one prepended (Go rejects them otherwise).
  const framed = (t: string) => (/^\s*(\/\/[^\n]*\n\s*)*package\s/.test(t) ? t : `package p\n${t}`);
  const notJudged = new Map<number, string>();
  if (judge) {
    const idx = all.flatMap((input, i) => (judgeable(input.text) ? [i] : []));
    for (const [k, e] of gofmtRejects(idx.map((i) => framed(all[i].text)))) notJudged.set(idx[k], e);
    all.forEach((input, i) => judgeable(input.text) || notJudged.set(i, 'over the size judged'));
  }
  const outputs: { input: string; fix: string; text: string }[] = [];
  all.forEach((input, idx) => {
    const path = `/fuzz/p${idx}/x.go`;
    let a: Analysis;
    const t0 = performance.now();
    try {
      a = analyze([{ path, text: input.text }], [], {});
    } catch (e) {
      res.crashes.push({ input: input.name, error: String((e as Error).stack ?? e) });
      return;
    }
    // Rules that threw (the engine reports them and goes on) are crashes too.
    for (const e of a.errors) res.crashes.push({ input: input.name, error: `${e.rule ?? 'analysis'}: ${e.stack ?? e.message}` });
    const ms = performance.now() - t0;
    if (ms > res.worstMs) {
      res.worstMs = ms;
      res.worstInput = input.name;
    }
    for (const i of a.incomplete) {
      if (i.reason === 'parse') res.parseTimeouts++;
      else if (i.reason === 'budget') res.budgetHits++;
      else res.nestingSkips++;
    }
    res.findings += a.findings.length;
    if (!judge || notJudged.has(idx)) return;
    res.validInputs++;
    const seen = new Set<string>();
    const add = (fix: string, text: string) => {
      if (seen.has(text)) return;
      seen.add(text);
      outputs.push({ input: input.name, fix, text });
    };
    // Each fix alone; in a file with thousands of findings (the adversarial shapes), up to
    // PER_RULE fixes of each rule, evenly spread (every output is a copy of the whole file).
    const byRule = new Map<string, { rule: string; fix: Finding['fixes'][number] }[]>();
    for (const f of a.findings)
      for (const fix of f.fixes) {
        const list = byRule.get(f.rule) ?? [];
        list.push({ rule: f.rule, fix });
        byRule.set(f.rule, list);
      }
    for (const list of byRule.values()) {
      const stride = Math.max(1, Math.ceil(list.length / PER_RULE));
      for (let i = 0; i < list.length; i += stride) add(`${list[i].rule}: ${list[i].fix.title}`, applyEdits(input.text, list[i].fix.edits));
    }
    // --fix: preferred fixes in rounds, re-analyzing in between.
    let text = input.text;
    let findings: Finding[] = a.findings;
    for (let round = 0; round < 3 && findings.some((f) => f.fixes.some((x) => x.preferred)); round++) {
      const r = applyPreferredFixes(text, findings);
      if (!r.applied) break;
      text = r.text;
      add(`--fix round ${round + 1}`, text);
      try {
        findings = analyze([{ path, text }], [], {}).findings;
      } catch (e) {
        res.crashes.push({ input: `${input.name} after fix round ${round + 1}`, error: String((e as Error).stack ?? e) });
        break;
      }
    }
  });
  res.fixOutputs = outputs.length;
  if (judge) {
    const bad = gofmtRejects(outputs.map((o) => framed(o.text)));
    for (const [i, error] of bad) res.rejected.push({ input: outputs[i].input, fix: outputs[i].fix, error, output: outputs[i].text });
  }
  return res;
}
