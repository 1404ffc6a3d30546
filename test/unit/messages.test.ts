// Messages by id (src/analysis/messages.ts): every rule's templates are one short line (at most 100
// characters once placeholders hold a 12-character name), have a Simplified Chinese translation
// with the same placeholders, and render through ctx.report and the language server's diagnostics.
import { strict as assert } from 'node:assert';
import { RuleContext } from '../../src/analysis/context';
import { ensureReady } from '../../src/analysis/engine';
import { FileFacts, PackageFacts } from '../../src/analysis/facts/package';
import { fill, localized, MAX_MESSAGE, placeholders, renderMessage } from '../../src/analysis/messages';
import type { RuleMeta } from '../../src/analysis/model';
import { parseGo } from '../../src/analysis/parser';
import { allRules } from '../../src/analysis/rules/index';
import { toDiagnostic } from '../../src/server/diagnostics';

const CJK = /[\u4e00-\u9fff]/;
const SAMPLE = 'x'.repeat(12);

describe('messages', () => {
  it('every template is one line of at most 100 characters, without a closing period, with a zh-cn translation', () => {
    const problems: string[] = [];
    for (const r of allRules) {
      for (const [id, m] of Object.entries(r.meta.messages ?? {})) {
        const where = `${r.meta.id}/${id}`;
        // Names and code as 12 characters; a line number as 4 digits.
        const sample = (t: string) => fill(t, Object.fromEntries(placeholders(t).map((p) => [p, p === 'line' ? '1234' : SAMPLE])));
        const en = sample(m.en);
        if (en.length > MAX_MESSAGE) problems.push(`${where}: ${en.length} characters: ${m.en}`);
        if (/\n/.test(m.en) || /\n/.test(m.zh)) problems.push(`${where}: more than one line`);
        if (/[.。]$/.test(m.en.trim()) || /[.。]$/.test(m.zh.trim())) problems.push(`${where}: ends with a period (vet's style has none)`);
        if (!m.zh || !CJK.test(m.zh)) problems.push(`${where}: no Simplified Chinese`);
        if ([...placeholders(m.en)].sort().join() !== [...placeholders(m.zh)].sort().join())
          problems.push(`${where}: placeholders differ: ${m.en} / ${m.zh}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it('every rule reports through meta.messages (the fixtures check each finding has an id)', () => {
    assert.deepEqual(
      allRules.filter((r) => !Object.keys(r.meta.messages ?? {}).length).map((r) => r.meta.id),
      [],
    );
  });

  it('ctx.report with an id renders the headline, keeps id and args, and related locations by id', async () => {
    await ensureReady();
    const text = 'package p\n\nfunc f() {\n\tg()\n}\n';
    const tree = parseGo(text, null, { keepWasm: false });
    const file = new FileFacts('/tmp/p/a.go', text, tree);
    new PackageFacts([file]);
    const meta: RuleMeta = {
      id: 'demo-rule',
      title: 'Demo',
      severity: 'warning',
      category: 'close',
      description: 'd',
      docs: 'demo-rule',
      messages: {
        leak: { en: '{name} is not closed', zh: '{name} 没有关闭' },
        here: { en: 'the function returns here without closing {name}', zh: '函数在此返回，没有关闭 {name}' },
      },
    };
    const ctx = new RuleContext(file, '1.22');
    ctx.meta = meta;
    ctx.report({ start: 23, end: 26 }, { id: 'leak', args: { name: 'conn' } }, [], {
      related: [{ at: { start: 27, end: 28 }, id: 'here', args: { name: 'conn' } }],
    });
    const f = ctx.findings[0];
    assert.equal(f.message, 'conn is not closed');
    assert.equal(f.messageId, 'demo-rule/leak');
    assert.deepEqual(f.args, { name: 'conn' });
    assert.deepEqual(f.related, [
      {
        range: { start: { line: 4, character: 0 }, end: { line: 4, character: 1 } },
        startOffset: 27,
        endOffset: 28,
        message: 'the function returns here without closing conn',
        messageId: 'demo-rule/here',
        args: { name: 'conn' },
      },
    ]);
    assert.equal(renderMessage(meta, 'leak', { name: 'conn' }, 'zh-cn'), 'conn 没有关闭');
    assert.equal(
      localized('demo-rule/leak', { name: 'c' }, 'c is not closed', 'zh-cn', () => meta),
      'c 没有关闭',
    );
    assert.throws(() => ctx.report({ start: 0, end: 1 }, { id: 'nope' }), /no message "nope"/);
    assert.throws(() => ctx.report({ start: 0, end: 1 }, { id: 'leak' }), /needs \{name\}/);
  });

  it('the language server shows a finding in the client language, with related information', () => {
    const rule = allRules.find((r) => r.meta.messages && Object.keys(r.meta.messages).length);
    if (!rule) return; // no rule has message ids yet
    const [id, m] = Object.entries(rule.meta.messages!)[0];
    const args = Object.fromEntries(placeholders(m.en).map((p) => [p, 'conn']));
    const finding = {
      rule: rule.meta.id,
      severity: 'warning' as const,
      message: fill(m.en, args),
      messageId: `${rule.meta.id}/${id}`,
      args,
      file: '/tmp/a.go',
      range: { start: { line: 1, character: 0 }, end: { line: 1, character: 4 } },
      startOffset: 0,
      endOffset: 4,
      fixes: [],
      related: [
        {
          range: { start: { line: 2, character: 0 }, end: { line: 2, character: 1 } },
          startOffset: 5,
          endOffset: 6,
          message: fill(m.en, args),
          messageId: `${rule.meta.id}/${id}`,
          args,
        },
      ],
    };
    const zh = toDiagnostic(finding, 'file:///tmp/a.go', 'zh-cn');
    assert.equal(zh.message, fill(m.zh, args));
    assert.equal(zh.relatedInformation?.[0].location.uri, 'file:///tmp/a.go');
    assert.equal(zh.relatedInformation?.[0].message, fill(m.zh, args));
    assert.equal(toDiagnostic(finding, 'file:///tmp/a.go').message, finding.message);
  });
});
