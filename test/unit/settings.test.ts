// Settings and localisation: contributes.configuration matches what the code reads, every %key%
// of package.json is translated in package.nls.json and package.nls.zh-cn.json, and the runtime
// bundle l10n/bundle.l10n.zh-cn.json matches the strings src/vscode passes to vscode.l10n.t.
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_FIX_SETTINGS } from '../../src/analysis/context';
import { allRules } from '../../src/analysis/rules/index';
import { DEFAULT_SETTINGS, isGoDurationExpr } from '../../src/server/settings';
import { SAME_IN_ALL_LANGUAGES as VIEW_SAME, VIEW_STRINGS } from '../../src/sockets/viewStrings';

const ROOT = join(__dirname, '..', '..');
const readJson = (p: string) => JSON.parse(readFileSync(join(ROOT, p), 'utf8'));
const CJK = /[\u4e00-\u9fff]/;

/** Strings that need no translation (product name). */
const SAME_IN_ALL_LANGUAGES = new Set(['Go Conn Doctor']);

/** The starter runtime strings the issue asked for; the extension may not use all of them yet. */
const STARTER = new Set([
  'Go Conn Doctor: scanning {0} Go files',
  'Fix all Go Conn Doctor problems in this file',
  'Ignore {0} on this line',
  'Learn more about {0}',
  'Go Conn Doctor could not analyze {0}: {1}',
]);

function nlsKeys(v: unknown, out = new Set<string>()): Set<string> {
  if (typeof v === 'string') {
    const m = /^%([^%\s]+)%$/.exec(v);
    if (m) out.add(m[1]);
  } else if (Array.isArray(v)) v.forEach((x) => nlsKeys(x, out));
  else if (v && typeof v === 'object') Object.values(v).forEach((x) => nlsKeys(x, out));
  return out;
}

function tsFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** Literal first arguments of `l10n.t(...)` in src/vscode and src/server (which reads the same bundle), and the
 * webview's strings (src/sockets/viewStrings.ts, translated by the host). */
function l10nStrings(): Set<string> {
  const out = new Set<string>(Object.values(VIEW_STRINGS).filter((s) => !VIEW_SAME.has(s)));
  for (const f of [...tsFiles(join(ROOT, 'src', 'vscode')), ...tsFiles(join(ROOT, 'src', 'server'))]) {
    const text = readFileSync(f, 'utf8');
    for (const m of text.matchAll(/\bl10n\.t\(\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|`((?:[^`\\$]|\\.)*)`)/g)) {
      const raw = m[1] ?? m[2] ?? m[3];
      out.add(raw.replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t' })[c] ?? c));
    }
  }
  return out;
}

const placeholders = (s: string) => [...s.matchAll(/\{\d+\}/g)].map((m) => m[0]).sort();

describe('settings (contributes.configuration)', () => {
  const pkg = readJson('package.json');
  // Groups (Analysis, Quick Fixes, Live Sockets): the Settings editor's sections under "Go Conn Doctor".
  const props: Record<string, Record<string, unknown>> = Object.assign(
    {},
    ...(pkg.contributes.configuration as { properties: Record<string, Record<string, unknown>> }[]).map((g) => g.properties),
  );

  it('declares every setting the extension reads, with the documented defaults', () => {
    const want = [
      'conndoctor.enable',
      'conndoctor.run',
      'conndoctor.rules',
      'conndoctor.exclude',
      'conndoctor.hover',
      'conndoctor.goroutines.enabled',
      'conndoctor.sockets.interval',
    ];
    for (const k of want) assert.ok(props[k], `missing ${k}`);
    assert.equal(props['conndoctor.enable'].default, true);
    assert.deepEqual(props['conndoctor.run'].enum, ['onType', 'onSave']);
    assert.equal(props['conndoctor.run'].default, 'onType');
    assert.deepEqual(props['conndoctor.exclude'].default, []);
    assert.deepEqual(props['conndoctor.hover'].enum, ['off', 'compact', 'full']);
    assert.equal(props['conndoctor.hover'].default, DEFAULT_SETTINGS.hover);
    assert.equal(props['conndoctor.goroutines.enabled'].default, false, 'pprof fetch is opt-in');
    assert.equal(props['conndoctor.sockets.interval'].default, 1000);
  });

  it('conndoctor.fix.* are exactly the FixSettings keys, with the same defaults, and valid Go durations', () => {
    const fixKeys = Object.keys(props)
      .filter((k) => k.startsWith('conndoctor.fix.'))
      .map((k) => k.slice('conndoctor.fix.'.length));
    assert.deepEqual(fixKeys.sort(), Object.keys(DEFAULT_FIX_SETTINGS).sort());
    for (const [k, v] of Object.entries(DEFAULT_FIX_SETTINGS)) {
      const p = props[`conndoctor.fix.${k}`];
      assert.equal(p.default, v, k);
      assert.ok(isGoDurationExpr(String(p.default)), k);
      assert.match(String(p.default), new RegExp(String(p.pattern)), `${k}: default fails its own schema pattern`);
      for (const good of ['5 * time.Second', 'time.Minute', '2*time.Minute + 30*time.Second'])
        assert.match(good, new RegExp(String(p.pattern)));
    }
  });

  it('conndoctor.rules lists every rule id with the severities config.ts accepts', () => {
    const rules = props['conndoctor.rules'] as { properties: Record<string, { enum: string[] }>; additionalProperties: boolean };
    assert.deepEqual(Object.keys(rules.properties).sort(), allRules.map((r) => r.meta.id).sort());
    for (const [id, p] of Object.entries(rules.properties)) assert.deepEqual(p.enum, ['off', 'error', 'warning', 'info', 'hint'], id);
    assert.equal(rules.additionalProperties, false);
  });

  it('no static snippets: the language server offers snippets/go.json with their imports (src/server/snippets.ts)', () => {
    assert.equal(pkg.contributes.snippets, undefined, 'a static contribution would list each snippet twice');
    assert.ok(existsSync(join(ROOT, 'snippets', 'go.json')));
  });
});

describe('localisation', () => {
  const pkg = readJson('package.json');
  const en: Record<string, string> = readJson('package.nls.json');
  const zh: Record<string, string> = readJson('package.nls.zh-cn.json');

  it('every %key% in package.json has English and Simplified Chinese text', () => {
    const used = nlsKeys(pkg);
    assert.ok(used.size > 0);
    for (const k of used) {
      assert.ok(typeof en[k] === 'string' && en[k].trim(), `package.nls.json lacks ${k}`);
      assert.ok(typeof zh[k] === 'string' && zh[k].trim(), `package.nls.zh-cn.json lacks ${k}`);
    }
  });

  it('both nls files have the same keys; Chinese entries are Chinese; keys the other parts use exist', () => {
    assert.deepEqual(Object.keys(zh).sort(), Object.keys(en).sort());
    for (const [k, v] of Object.entries(zh)) {
      if (SAME_IN_ALL_LANGUAGES.has(v)) continue;
      assert.ok(CJK.test(v), `package.nls.zh-cn.json ${k} is not Chinese: ${v}`);
      assert.ok(!CJK.test(en[k]), `package.nls.json ${k} contains Chinese`);
    }
    assert.equal(en['command.scanWorkspace'], 'Go Conn Doctor: Scan Workspace');
    assert.equal(en['command.fixAll'], 'Go Conn Doctor: Fix All in File');
    assert.equal(en['command.showSockets'], 'Go Conn Doctor: Show Live Sockets');
    assert.equal(en['view.sockets'], 'Live Sockets');
    assert.equal(en['viewContainer.title'], 'Go Conn Doctor');
    for (const step of ['', '.open', '.findings', '.fix', '.sockets']) {
      for (const f of ['title', 'description']) assert.ok(en[`walkthrough${step}.${f}`], `walkthrough${step}.${f}`);
    }
  });

  it('the zh-cn runtime bundle is sorted, keeps placeholders and is Chinese', () => {
    const bundle: Record<string, string> = readJson('l10n/bundle.l10n.zh-cn.json');
    const keys = Object.keys(bundle);
    assert.deepEqual(keys, [...keys].sort(), 'keep l10n/bundle.l10n.zh-cn.json sorted');
    for (const s of STARTER) assert.ok(bundle[s], `starter string missing: ${s}`);
    for (const [k, v] of Object.entries(bundle)) {
      assert.deepEqual(placeholders(v), placeholders(k), `placeholders differ: ${k}`);
      assert.ok(CJK.test(v), `not Chinese: ${k}`);
      if (k.startsWith('$(')) assert.ok(v.startsWith(/^\$\([\w-]+\)/.exec(k)![0]), `codicon lost: ${k}`);
    }
    assert.equal(pkg.l10n, './l10n', 'package.json "l10n" must point at the bundle folder');
  });

  it('bundle keys are strings src/vscode uses, and every string it uses is translated', function () {
    const used = l10nStrings();
    if (used.size === 0) this.skip(); // src/vscode does not localise anything yet
    const bundle: Record<string, string> = readJson('l10n/bundle.l10n.zh-cn.json');
    const stale = Object.keys(bundle).filter((k) => !used.has(k) && !STARTER.has(k));
    assert.deepEqual(stale, [], 'translations of strings src/vscode no longer uses');
    const missing = [...used].filter((s) => !(s in bundle));
    assert.deepEqual(missing, [], 'vscode.l10n.t strings without a zh-cn translation (add them to l10n/bundle.l10n.zh-cn.json)');
  });
});
