// Settings parsing for the extension (src/server/settings.ts): defaults, validation, rule severities,
// fix timeouts that are pasted into Go code, exclude globs.
import { strict as assert } from 'node:assert';
import { DEFAULT_FIX_SETTINGS } from '../../src/analysis/context';
import { analyzeOptions, isGoDurationExpr, parseSettings, type ConfigSource } from '../../src/server/settings';

const cfg = (values: Record<string, unknown>): ConfigSource => ({ get: <T>(k: string) => values[k] as T | undefined });
const known = new Set(['body-not-closed', 'dial-no-timeout']);

describe('vscode config', () => {
  it('defaults when nothing is set', () => {
    const { settings, problems } = parseSettings(cfg({}), known);
    assert.deepEqual(problems, []);
    assert.equal(settings.enable, true);
    assert.equal(settings.run, 'onType');
    assert.deepEqual(settings.rules, {});
    assert.deepEqual(settings.fix, DEFAULT_FIX_SETTINGS);
    assert.deepEqual(settings.exclude, []);
  });

  it('reads enable, run, rules and exclude', () => {
    const { settings, problems } = parseSettings(
      cfg({ enable: false, run: 'onSave', rules: { 'body-not-closed': 'error', 'dial-no-timeout': 'off' }, exclude: ['**/gen/**', ' '] }),
      known,
    );
    assert.equal(settings.enable, false);
    assert.equal(settings.run, 'onSave');
    assert.deepEqual(settings.rules, { 'body-not-closed': 'error', 'dial-no-timeout': 'off' });
    assert.deepEqual(settings.exclude, ['**/gen/**']);
    assert.equal(problems.length, 1); // the blank glob
  });

  it('accepts severity spellings VS Code users write, rejects others', () => {
    const { settings, problems } = parseSettings(cfg({ rules: { 'body-not-closed': 'Information', 'dial-no-timeout': 'loud' } }), known);
    assert.deepEqual(settings.rules, { 'body-not-closed': 'info' });
    assert.match(problems[0], /dial-no-timeout/);
  });

  it('reports unknown rule ids and bad types without throwing', () => {
    const { settings, problems } = parseSettings(cfg({ rules: { nope: 'off' }, run: 'sometimes', enable: 'yes', exclude: 3 }), known);
    assert.deepEqual(settings.rules, {});
    assert.equal(settings.run, 'onType');
    assert.equal(settings.enable, true);
    assert.equal(problems.length, 4);
  });

  it('takes files.exclude-style objects for exclude', () => {
    const { settings } = parseSettings(cfg({ exclude: { '**/zz_*.go': true, '**/x': false } }), known);
    assert.deepEqual(settings.exclude, ['**/zz_*.go']);
  });

  it('fix timeouts must be Go duration expressions (they are pasted into code)', () => {
    const { settings, problems } = parseSettings(
      cfg({
        'fix.dialTimeout': '3 * time.Second',
        'fix.httpClientTimeout': 'time.Minute',
        'fix.readTimeout': '"; os.Exit(1); "',
        'fix.shutdownTimeout': 'time.Second\nfoo()',
      }),
      known,
    );
    assert.equal(settings.fix.dialTimeout, '3 * time.Second');
    assert.equal(settings.fix.httpClientTimeout, 'time.Minute');
    assert.equal(settings.fix.readTimeout, DEFAULT_FIX_SETTINGS.readTimeout);
    assert.equal(settings.fix.shutdownTimeout, DEFAULT_FIX_SETTINGS.shutdownTimeout);
    assert.equal(problems.length, 2);
  });

  it('isGoDurationExpr', () => {
    for (const ok of [
      '5 * time.Second',
      '2*time.Minute + 30*time.Second',
      'time.Duration(5) * time.Second',
      'defaultTimeout',
      '(1 + 2) * time.Second',
    ])
      assert.ok(isGoDurationExpr(ok), ok);
    for (const bad of ['', 'time.Sleep(1)', '5 *', '"5s"', 'a; b', '(1 + 2', 'x)', '{}', '* time.Second'])
      assert.ok(!isGoDurationExpr(bad), bad);
  });

  it('analyzeOptions carries severities and fix settings to the engine', () => {
    const { settings } = parseSettings(cfg({ rules: { 'body-not-closed': 'hint' }, 'fix.dialTimeout': '7 * time.Second' }), known);
    const o = analyzeOptions(settings);
    assert.deepEqual(o.severity, { 'body-not-closed': 'hint' });
    assert.equal(o.fix?.dialTimeout, '7 * time.Second');
  });
});
