// Where "Find the cause" looks, on real directory trees: the attached program's module (from its working directory
// or executable up to the go.mod whose module path is the binary's main module), else the whole workspace.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { causeScope } from '../../src/sockets/scope';

describe('sockets: the scope of "Find the cause"', () => {
  let ws: string;
  const mod = (dir: string, path: string) => {
    mkdirSync(join(ws, dir), { recursive: true });
    writeFileSync(join(ws, dir, 'go.mod'), `// the program's module\nmodule ${path} // comment\n\ngo 1.22\n`);
  };

  before(() => {
    ws = mkdtempSync(join(tmpdir(), 'cd-scope-'));
    mod('server', 'example.com/server');
    mkdirSync(join(ws, 'server', 'cmd', 'srv'), { recursive: true });
    mkdirSync(join(ws, 'server', 'internal', 'pool'), { recursive: true });
    mkdirSync(join(ws, 'server', 'bin'), { recursive: true });
    mod('loadgen', 'example.com/loadgen');
  });
  after(() => rmSync(ws, { recursive: true, force: true }));

  it('go run from the main package: the module above the working directory, whole', () => {
    const s = causeScope({ cwd: join(ws, 'server', 'cmd', 'srv'), mainModule: 'example.com/server' }, [ws]);
    assert.deepEqual(s, { kind: 'module', module: 'example.com/server', dir: join(ws, 'server') });
  });

  it('a built binary in the module, run from elsewhere: its executable tells the module', () => {
    const s = causeScope({ cwd: '/', exe: join(ws, 'server', 'bin', 'srv'), mainModule: 'example.com/server' }, [ws]);
    assert.deepEqual(s, { kind: 'module', module: 'example.com/server', dir: join(ws, 'server') });
  });

  it('started from a sibling module’s folder: the go.mod of the binary’s main module, found in the workspace', () => {
    const s = causeScope({ cwd: join(ws, 'loadgen'), exe: '/tmp/go-build123/b001/exe/srv', mainModule: 'example.com/server' }, [ws]);
    assert.deepEqual(s, { kind: 'module', module: 'example.com/server', dir: join(ws, 'server') });
  });

  it('no build info (module unknown): the nearest go.mod above the working directory', () => {
    const s = causeScope({ cwd: join(ws, 'loadgen') }, [ws]);
    assert.deepEqual(s, { kind: 'module', module: 'example.com/loadgen', dir: join(ws, 'loadgen') });
  });

  it('a folder opened inside the module: only what is open of it is searched', () => {
    const folder = join(ws, 'server', 'internal');
    const s = causeScope({ cwd: join(ws, 'server'), mainModule: 'example.com/server' }, [folder]);
    assert.deepEqual(s, { kind: 'module', module: 'example.com/server', dir: folder });
  });

  it('the whole workspace, saying why: nothing attached, or the program’s module is not in the workspace', () => {
    assert.deepEqual(causeScope(undefined, [ws]), { kind: 'workspace', why: 'no-target' });
    assert.deepEqual(causeScope({ cwd: '/', exe: '/usr/local/bin/other', mainModule: 'example.com/other' }, [ws]), {
      kind: 'workspace',
      why: 'no-module',
    });
    // a go.mod found above the cwd but of another module, and that module nowhere in the workspace
    assert.deepEqual(causeScope({ cwd: join(ws, 'loadgen'), mainModule: 'example.com/elsewhere' }, [ws]), {
      kind: 'workspace',
      why: 'no-module',
    });
  });
});
