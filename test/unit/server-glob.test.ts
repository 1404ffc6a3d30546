// conndoctor.exclude glob matching (src/server/glob.ts) and the folders a workspace scan skips.
import { strict as assert } from 'node:assert';
import { globToRegExp, inSkippedDir, matchesAny } from '../../src/server/glob';

describe('vscode glob', () => {
  it('matches VS Code glob syntax', () => {
    const yes: [string, string][] = [
      ['**/*.go', 'a.go'],
      ['**/*.go', 'x/y/a.go'],
      ['**/gen/**', 'pkg/gen/a.go'],
      ['**/gen/**', 'gen/a.go'],
      ['*.go', 'a.go'],
      ['internal/*/z_*.go', 'internal/db/z_gen.go'],
      ['**/*_{gen,mock}.go', 'a/b_mock.go'],
      ['**/?.go', 'x/a.go'],
      ['[ab].go', 'b.go'],
      ['/abs/**', 'abs/x.go'],
      ['./rel/*.go', 'rel/x.go'],
    ];
    for (const [g, p] of yes) assert.ok(globToRegExp(g).test(p) || matchesAny(p, [g]), `${g} ~ ${p}`);
    const no: [string, string][] = [
      ['*.go', 'x/a.go'],
      ['**/gen/**', 'generated/a.go'],
      ['**/*_{gen,mock}.go', 'a/b_test.go'],
      ['[!ab].go', 'a.go'],
      ['internal/*/z_*.go', 'internal/a/b/z_gen.go'],
    ];
    for (const [g, p] of no) assert.ok(!matchesAny(p, [g]), `${g} !~ ${p}`);
  });

  it('a pattern matching a folder excludes what is inside (like files.exclude)', () => {
    assert.ok(matchesAny('third_party/x/y.go', ['third_party']));
    assert.ok(matchesAny('a/mocks/m.go', ['**/mocks']));
    assert.ok(!matchesAny('a/mocksx/m.go', ['**/mocks']));
  });

  it('windows separators', () => {
    assert.ok(matchesAny('a\\gen\\x.go', ['**/gen/**']));
  });

  it('scan skips vendor, testdata, hidden and _ folders, not files', () => {
    for (const p of ['vendor/x/a.go', 'a/testdata/b.go', '.git/x.go', '_old/a.go', 'a/node_modules/b.go']) assert.ok(inSkippedDir(p), p);
    for (const p of ['a.go', 'x/vendors/a.go', '_a.go', 'pkg/a_test.go', 'x/.a.go']) assert.ok(!inSkippedDir(p), p);
  });
});
