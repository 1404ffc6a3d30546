// analysistest-style fixtures: test/fixtures/<rule-id>/**/*.go with `// want "regexp"` on flagged lines
// and <file>.go.golden holding the file after the rule's preferred fixes. Every golden must parse
// and be gofmt-clean.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { analyzeFiles, applyPreferredFixes, ensureReady, type SourceFile } from '../../src/analysis/engine';
import { parseGo } from '../../src/analysis/parser';
import { allRules } from '../../src/analysis/rules/index';
import { MAX_MESSAGE } from '../../src/analysis/messages';
import type { Finding } from '../../src/analysis/model';
import { goFilesUnder, gofmtDirty } from './helpers/gocheck';
import { wants } from './helpers/wants';

const ROOT = join(__dirname, '..', 'fixtures');

function hasSyntaxError(text: string): boolean {
  return parseGo(text).rootNode.hasError;
}

function gofmtDirtyNames(files: Record<string, string>): string[] {
  const names = Object.keys(files);
  return [...gofmtDirty(names.map((n) => files[n]))].map((i) => names[i]);
}

describe('rule fixtures', function () {
  before(async () => {
    await ensureReady();
  });
  const ruleDirs = existsSync(ROOT) ? readdirSync(ROOT).filter((d) => statSync(join(ROOT, d)).isDirectory()) : [];

  it('every rule has fixtures with positive and negative cases, and every fixture dir names a rule', () => {
    const ids = new Set(allRules.map((r) => r.meta.id));
    for (const d of ruleDirs) assert.ok(ids.has(d), `test/fixtures/${d} names no rule`);
    for (const r of allRules) {
      assert.ok(ruleDirs.includes(r.meta.id), `rule ${r.meta.id} has no fixtures`);
      const texts = goFilesUnder(join(ROOT, r.meta.id)).map((f) => readFileSync(f, 'utf8'));
      const positives = texts.reduce((n, t) => n + wants(t).size, 0);
      assert.ok(positives >= 2, `rule ${r.meta.id}: fewer than 2 // want cases`);
      const negatives = texts.some(
        (t) => /func\s+\w*(ok|good|negative|quiet|handed|fine|correct)\w*/i.test(t) || /\/\/ (ok|quiet|negative)\b/i.test(t),
      );
      assert.ok(negatives, `rule ${r.meta.id}: no negative (quiet) cases marked "// ok" or named ok*/good*/quiet*`);
    }
  });

  for (const ruleId of ruleDirs) {
    describe(ruleId, () => {
      const files = goFilesUnder(join(ROOT, ruleId));
      const byDir = new Map<string, string[]>();
      for (const f of files) {
        const d = join(f, '..');
        byDir.set(d, [...(byDir.get(d) ?? []), f]);
      }
      for (const [dir, group] of byDir) {
        it(relative(ROOT, dir) || '.', () => {
          const sources: SourceFile[] = group.map((p) => ({ path: p, text: readFileSync(p, 'utf8') }));
          const findings = analyzeFiles(sources, [], { rules: [ruleId] });
          const problems: string[] = [];
          const goldens: Record<string, string> = {};
          for (const src of sources) {
            const mine = findings.filter((f) => f.file === src.path);
            const want = wants(src.text);
            const byLine = new Map<number, Finding[]>();
            for (const f of mine) byLine.set(f.range.start.line, [...(byLine.get(f.range.start.line) ?? []), f]);
            const rel = relative(ROOT, src.path);
            // Every finding is reported by message id, as one short line.
            for (const f of mine) {
              if (!f.messageId) problems.push(`${rel}:${f.range.start.line + 1}: a finding without a message id: ${f.message}`);
              if (f.message.length > MAX_MESSAGE || f.message.includes('\n'))
                problems.push(`${rel}:${f.range.start.line + 1}: message over ${MAX_MESSAGE} characters: ${f.message}`);
            }
            for (const [line, res] of want) {
              const got = byLine.get(line) ?? [];
              for (const re of res) {
                // The headline, or the text of a related location (the detail moved there).
                const i = got.findIndex((f) => re.test(f.message) || !!f.related?.some((r) => re.test(r.message)));
                if (i === -1)
                  problems.push(
                    `${rel}:${line + 1}: no finding matching ${re} (got: ${got.map((g) => JSON.stringify(g.message)).join(', ') || 'none'})`,
                  );
                else got.splice(i, 1);
              }
              for (const g of got) problems.push(`${rel}:${line + 1}: unexpected finding: ${g.message}`);
              byLine.delete(line);
            }
            for (const [line, got] of byLine) for (const g of got) problems.push(`${rel}:${line + 1}: unexpected finding: ${g.message}`);
            const goldenPath = `${src.path}.golden`;
            if (process.env.UPDATE_GOLDEN && !existsSync(goldenPath) && mine.some((f) => f.fixes.length)) writeFileSync(goldenPath, '');
            if (existsSync(goldenPath)) {
              const fixed = applyPreferredFixes(src.text, mine).text;
              const golden = readFileSync(goldenPath, 'utf8');
              if (process.env.UPDATE_GOLDEN) writeFileSync(goldenPath, fixed);
              else if (fixed !== golden)
                problems.push(`${rel}: fixed output differs from golden:\n--- got ---\n${fixed}\n--- want ---\n${golden}`);
              if (hasSyntaxError(fixed)) problems.push(`${rel}: fixed output has syntax errors`);
              goldens[rel] = fixed;
            } else if (mine.some((f) => f.fixes.length)) {
              problems.push(`${rel}: findings offer fixes but there is no ${rel}.golden`);
            }
          }
          if (Object.keys(goldens).length) for (const d of gofmtDirtyNames(goldens)) problems.push(`${d}: fixed output is not gofmt-clean`);
          assert.deepEqual(problems, [], problems.join('\n'));
        });
      }
    });
  }
});
