// The set-up scripts as a newcomer meets them: the first README command needs no Debian package,
// test-only tools come with the test command (and cost nothing when present), apt waits for a
// lock held by another apt instead of failing, and a fresh clone's `npm run test:unit` builds
// what it needs first.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './helpers/cli';

const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');

describe('set-up scripts', function () {
  this.timeout(120000);

  it('setup.sh installs no Debian packages; npm test, npm run bench and test:unit bring what they need first', () => {
    const setup = read('scripts/setup.sh');
    assert.ok(!/apt_install|apt-get/.test(setup.replace(/^#.*$/gm, '')), 'setup.sh must not call apt');
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    assert.equal(scripts.pretest, 'bash scripts/test-deps.sh');
    assert.equal(scripts.prebench, 'bash scripts/test-deps.sh');
    assert.match(scripts['pretest:unit'], /npm run --silent build/);
    assert.equal(read('.ci/run').trim().split('\n').pop(), 'bash scripts/setup.sh && npm test');
  });

  it('apt: --no-install-recommends, waits for the dpkg lock (install) and retries a locked update', () => {
    const lib = read('scripts/lib.sh');
    assert.match(lib, /apt-get "\$\{wait\[@\]\}" -q -y install --no-install-recommends "\$@"/);
    assert.match(lib, /wait=\(-o DPkg::Lock::Timeout=600\)/);
    assert.match(lib, /Could not get lock/);
  });

  it('test-deps.sh on a machine that has everything: says nothing, installs nothing, exit 0', function () {
    if (spawnSync('go', ['version']).status !== 0) this.skip();
    const r = spawnSync('bash', [join(ROOT, 'scripts', 'test-deps.sh')], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout + r.stderr, '');
  });
});
