// Rule metadata has one source, the rule modules: the manifest's conndoctor.rules settings, their
// English and Chinese strings and the docs index are generated from it (npm run gen:meta) and must
// be up to date; every rule has its page, and the README's rule table names exactly the rules.
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allRules } from '../../src/analysis/rules/index';
import { generated, ROOT } from '../../scripts/rule-meta';

describe('rule metadata (one source: the rule modules)', () => {
  it('package.json settings, nls files (en, zh-cn) and docs/rules/README.md are generated from it (npm run gen:meta)', () => {
    const stale = generated()
      .filter((g) => !existsSync(join(ROOT, g.path)) || readFileSync(join(ROOT, g.path), 'utf8') !== g.text)
      .map((g) => g.path);
    assert.deepEqual(stale, [], `out of date with the rules' metadata: ${stale.join(', ')}; run npm run gen:meta`);
  });

  it('the generated files say what each rule is, in both languages', () => {
    const byPath = new Map(generated().map((g) => [g.path, g.text]));
    const en = JSON.parse(byPath.get('package.nls.json')!) as Record<string, string>;
    const zh = JSON.parse(byPath.get('package.nls.zh-cn.json')!) as Record<string, string>;
    const config = JSON.parse(byPath.get('package.json')!).contributes.configuration;
    const sections: { properties: Record<string, { properties: Record<string, { markdownDescription: string }> }> }[] = [].concat(config);
    const props = sections.find((c) => c.properties['conndoctor.rules'])!.properties['conndoctor.rules'].properties;
    assert.deepEqual(
      Object.keys(props),
      allRules.map((r) => r.meta.id),
    );
    for (const { meta } of allRules) {
      assert.equal(props[meta.id].markdownDescription, `%config.rules.${meta.id}%`);
      assert.equal(en[`config.rules.${meta.id}`], `${meta.title}.`);
      assert.equal(zh[`config.rules.${meta.id}`], `${meta.zh!.title}。`);
      assert.match(byPath.get('docs/rules/README.md')!, new RegExp(`\\| \\[\`${meta.id}\`\\]\\(${meta.docs}\\.md\\) \\| `));
    }
  });

  it('every rule has its page, which names it and its default severity (and category, when it gives one)', () => {
    const dir = join(ROOT, 'docs', 'rules');
    const pages = readdirSync(dir).filter((f) => f.endsWith('.md') && f !== 'README.md');
    assert.deepEqual(
      pages.map((f) => f.slice(0, -3)).sort(),
      allRules.map((r) => r.meta.docs).sort(),
      'one page per rule, no page without a rule',
    );
    for (const { meta } of allRules) {
      const text = readFileSync(join(dir, `${meta.docs}.md`), 'utf8');
      assert.equal(text.split('\n')[0], `# ${meta.id}`);
      assert.match(text, new RegExp(`\\*\\*Severity:\\*\\* ${meta.severity}\\b`), `${meta.id}.md: severity`);
      const cat = /\*\*Category:\*\* ([\w-]+)/.exec(text);
      if (cat) assert.equal(cat[1], meta.category, `${meta.id}.md: category`);
    }
  });

  it("the README's rule table names exactly the rules", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Rules'), readme.indexOf('\n## ', readme.indexOf('## Rules') + 1));
    const ids = [...section.matchAll(/^\| `([\w-]+)` \|/gm)].map((m) => m[1]);
    assert.deepEqual([...ids].sort(), allRules.map((r) => r.meta.id).sort());
  });
});
