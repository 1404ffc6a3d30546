// Broken and mutated Go must never throw out of the analyzer, and must not blow up in time.
import { strict as assert } from 'node:assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeFiles, ensureReady } from '../../src/analysis/engine';

/** Small deterministic PRNG (mulberry32) so failures reproduce. */
function rng(seed: number): () => number {
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

function mutate(text: string, r: () => number): string {
  const kind = Math.floor(r() * 5);
  const at = Math.floor(r() * text.length);
  switch (kind) {
    case 0:
      return text.slice(0, at); // truncated file
    case 1: {
      const len = 1 + Math.floor(r() * 40);
      return text.slice(0, at) + text.slice(at + len); // deleted span
    }
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
      // Replace every "}" in a window with "{" (unbalanced blocks).
      const end = Math.min(text.length, at + 200);
      return text.slice(0, at) + text.slice(at, end).replace(/\}/g, '{') + text.slice(end);
    }
  }
}

function corpus(): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  const fx = join(__dirname, '..', 'fixtures');
  for (const d of readdirSync(fx)) {
    for (const f of readdirSync(join(fx, d)))
      if (f.endsWith('.go')) out.push({ name: `${d}/${f}`, text: readFileSync(join(fx, d, f), 'utf8') });
  }
  return out;
}

describe('fuzz: broken and mutated Go', function () {
  this.timeout(120000);
  // analyzeFiles throws when a rule throws (the editor and the CLI report such errors instead).
  before(async () => {
    await ensureReady();
  });

  it('survives pathological inputs', () => {
    const inputs = [
      '',
      'package',
      'package main\nfunc',
      '\u0000\u0001binary',
      '{'.repeat(5000),
      'package p\n' + 'func f() {'.repeat(300),
      'package p\nfunc f() { c, err := net.Dial(',
      '\ufeffpackage p // 世界 é\nfunc f() { resp, err := http.Get("é") }',
    ];
    for (const text of inputs) analyzeFiles([{ path: '/virtual/x.go', text }], [], {});
  });

  it('mutations of every fixture: no exception, each file within 5 s', () => {
    const files = corpus();
    assert.ok(files.length > 0);
    const r = rng(20261122);
    let runs = 0;
    let worst = 0;
    for (const f of files) {
      for (let i = 0; i < 12; i++) {
        let text = f.text;
        const n = 1 + Math.floor(r() * 3);
        for (let k = 0; k < n; k++) text = mutate(text, r);
        const t0 = performance.now();
        try {
          analyzeFiles([{ path: `/virtual/${f.name}`, text }], [], {});
        } catch (e) {
          throw new Error(`analyzer threw on a mutation of ${f.name} (#${i}): ${(e as Error).stack}\n--- input ---\n${text}`);
        }
        const ms = performance.now() - t0;
        worst = Math.max(worst, ms);
        assert.ok(ms < 5000, `${f.name} mutation #${i} took ${ms.toFixed(0)} ms`);
        runs++;
      }
    }
    assert.ok(runs >= files.length * 12);
  });
});
