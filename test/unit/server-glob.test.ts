// conndoctor.exclude glob matching (src/server/glob.ts) and the folders a workspace scan skips.
import { strict as assert } from 'node:assert';
import { expandBraces, globMatcher, inSkippedDir, matchesAny } from '../../src/server/glob';

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
      // VS Code's globs have no dot-file special case
      ['*.go', '.hidden.go'],
      ['**/*.go', '.git/x/a.go'],
      ['**/gen/**', '.cache/gen/a.go'],
      ['{**/*.pb.go,**/mock_*.go}', 'api/v1/x.pb.go'],
      ['{**/*.pb.go,**/mock_*.go}', 'mock_db.go'],
      ['example.[!0-9]', 'example.a'],
      ['example.[0-9]', 'example.7'],
    ];
    for (const [g, p] of yes) assert.ok(globMatcher(g)(p) || matchesAny(p, [g]), `${g} ~ ${p}`);
    const no: [string, string][] = [
      ['*.go', 'x/a.go'],
      ['**/gen/**', 'generated/a.go'],
      ['**/*_{gen,mock}.go', 'a/b_test.go'],
      ['[!ab].go', 'a.go'],
      ['internal/*/z_*.go', 'internal/a/b/z_gen.go'],
      ['example.[!0-9]', 'example.0'],
      ['?.go', 'ab.go'],
      // no `!` negation and no extglobs: they are literal text
      ['!gen/**', 'x/a.go'],
      ['@(gen|mock)/**', 'gen/a.go'],
    ];
    for (const [g, p] of no) assert.ok(!matchesAny(p, [g]), `${g} !~ ${p}`);
    // `*` stays in one segment (matchesAny would still exclude a/b.go: its folder `a` matches)
    assert.ok(!globMatcher('*')('a/b.go') && !globMatcher('a/*')('a/b/c.go') && globMatcher('a/**')('a/b/c.go'));
  });

  it('a pattern matching a folder excludes what is inside (like files.exclude)', () => {
    assert.ok(matchesAny('third_party/x/y.go', ['third_party']));
    assert.ok(matchesAny('a/mocks/m.go', ['**/mocks']));
    assert.ok(!matchesAny('a/mocksx/m.go', ['**/mocks']));
  });

  it('expands braces like VS Code (nested; a `**/` inside still matches no folder)', () => {
    assert.deepEqual(expandBraces('a{b,c{d,e}}f'), ['abf', 'acdf', 'acef']);
    assert.deepEqual(expandBraces('{x,y}/{1,2}'), ['x/1', 'x/2', 'y/1', 'y/2']);
    assert.deepEqual(expandBraces('a{b'), ['a{b']);
  });

  it('case: insensitive on Windows and macOS, sensitive on Linux', () => {
    assert.ok(globMatcher('**/Gen/**', 'win32')('pkg/gen/a.go'));
    assert.ok(globMatcher('**/Gen/**', 'darwin')('pkg/GEN/a.go'));
    assert.ok(!globMatcher('**/Gen/**', 'linux')('pkg/gen/a.go'));
  });

  it('windows separators', () => {
    assert.ok(matchesAny('a\\gen\\x.go', ['**/gen/**']));
  });

  it('scan skips vendor, testdata, hidden and _ folders, not files', () => {
    for (const p of ['vendor/x/a.go', 'a/testdata/b.go', '.git/x.go', '_old/a.go', 'a/node_modules/b.go']) assert.ok(inSkippedDir(p), p);
    for (const p of ['a.go', 'x/vendors/a.go', '_a.go', 'pkg/a_test.go', 'x/.a.go']) assert.ok(!inSkippedDir(p), p);
  });
});
