// Working with gopls (src/vscode/dedupe.ts): a finding that gopls' httpresponse or staticcheck's
// SA5001 already reports on the same code is not shown twice, and our fix goes to their diagnostic.
import { strict as assert } from 'node:assert';
import { coveredBy, equivalentRules, findingsFor, partition, sameSpot, type DiagLike } from '../../src/vscode/dedupe';

const r = (l1: number, c1: number, l2: number, c2: number) => ({ start: { line: l1, character: c1 }, end: { line: l2, character: c2 } });

// `defer resp.Body.Close()` on line 10, columns 1..24; gopls httpresponse points at `resp` (zero width).
const deferFinding = { rule: 'defer-before-errcheck', range: r(10, 1, 10, 24) };
const bodyFinding = { rule: 'body-not-closed', range: r(20, 1, 20, 28) };
const httpresponse: DiagLike = {
  source: 'httpresponse',
  code: 'default',
  range: r(10, 7, 10, 7),
  message: 'using resp before checking for errors',
};
const sa5001: DiagLike = {
  source: 'SA5001',
  code: 'default',
  range: r(10, 1, 10, 24),
  message: 'should check returned error before deferring resp.Body.Close()',
};
const sa5001InCode: DiagLike = { source: 'staticcheck', code: { value: 'SA5001' }, range: r(10, 1, 10, 24), message: '...' };
const compileError: DiagLike = { source: 'compiler', code: 'UnusedVar', range: r(10, 1, 10, 24), message: 'declared and not used' };
const ours: DiagLike = { source: 'conndoctor', code: 'defer-before-errcheck', range: r(10, 1, 10, 24), message: '' };

describe('vscode dedupe with gopls', () => {
  it('knows which of their checks equal which of our rules', () => {
    assert.deepEqual(equivalentRules(httpresponse), ['defer-before-errcheck']);
    assert.deepEqual(equivalentRules(sa5001), ['defer-before-errcheck']);
    assert.deepEqual(equivalentRules(sa5001InCode), ['defer-before-errcheck']);
    assert.deepEqual(equivalentRules(compileError), []);
    assert.deepEqual(equivalentRules(ours), []);
  });

  it('same spot: their start inside our range', () => {
    assert.ok(sameSpot(deferFinding.range, httpresponse.range));
    assert.ok(sameSpot(deferFinding.range, r(10, 24, 10, 24)));
    assert.ok(!sameSpot(deferFinding.range, r(11, 7, 11, 7)));
    assert.ok(!sameSpot(deferFinding.range, r(10, 0, 10, 5)));
  });

  it('hides the finding gopls reports, keeps the rest', () => {
    const { shown, covered } = partition([deferFinding, bodyFinding], [httpresponse, compileError]);
    assert.deepEqual(shown, [bodyFinding]);
    assert.equal(covered.length, 1);
    assert.equal(covered[0].by, httpresponse);
  });

  it('a gopls diagnostic on another line or for another problem hides nothing', () => {
    const elsewhere = { ...httpresponse, range: r(30, 7, 30, 7) };
    assert.equal(partition([deferFinding], [elsewhere, compileError, ours]).shown.length, 1);
    // httpresponse is not about an unclosed body: body-not-closed stays even on the same line.
    assert.equal(coveredBy({ ...bodyFinding, range: r(10, 1, 10, 24) }, [httpresponse]), undefined);
  });

  it('finds our hidden finding for their diagnostic (to attach our fix in the code action)', () => {
    assert.deepEqual(findingsFor(sa5001, [deferFinding, bodyFinding]), [deferFinding]);
    assert.deepEqual(findingsFor(httpresponse, [bodyFinding]), []);
    assert.deepEqual(findingsFor(compileError, [deferFinding]), []);
  });
});
