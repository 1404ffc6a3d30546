// Where "Find the cause" looks, on real directory trees: the attached program (its main package and the packages
// of its module it imports), else its whole module, else the whole workspace.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { causeScope, goImports } from '../../src/sockets/scope';

describe('sockets: the scope of "Find the cause"', () => {
  let ws: string;
  const file = (rel: string, text: string) => {
    mkdirSync(join(ws, rel, '..'), { recursive: true });
    writeFileSync(join(ws, rel), text);
  };
  const srv = () => join(ws, 'server');

  before(() => {
    ws = mkdtempSync(join(tmpdir(), 'cd-scope-'));
    file('server/go.mod', `// the program's module\nmodule example.com/server // comment\n\ngo 1.22\n`);
    file(
      'server/cmd/srv/main.go',
      'package main\n\nimport (\n\t"net/http"\n\n\tp "example.com/server/internal/pool" // the registry\n)\n\nfunc main() { _ = http.ListenAndServe; p.Run() }\n',
    );
    file('server/cmd/srv/main_test.go', 'package main\n\nimport "example.com/server/internal/unused"\n');
    file('server/cmd/other/main.go', 'package main\n\nimport "example.com/server/internal/unused"\n\nfunc main() {}\n');
    file('server/internal/pool/pool.go', 'package pool\n\nimport "example.com/server/internal/wire"\n\nfunc Run() { wire.Dial() }\n');
    file('server/internal/wire/wire.go', 'package wire\n\nimport "net"\n\nfunc Dial() { _, _ = net.Dial("tcp", "x") }\n');
    file('server/internal/unused/unused.go', 'package unused\n');
    file('server/run/main.go', 'package main\n\nfunc main() {}\n');
    file('loadgen/go.mod', 'module example.com/loadgen\n\ngo 1.22\n');
    mkdirSync(join(ws, 'server', 'bin'), { recursive: true });
  });
  after(() => rmSync(ws, { recursive: true, force: true }));

  const program = (mainDir: string, pkgs: string[]) => ({
    kind: 'program',
    module: 'example.com/server',
    mainDir: join(srv(), mainDir),
    files: pkgs.map((p) => join(srv(), p)),
    packages: new Set(pkgs.map((p) => p.slice(0, p.lastIndexOf('/')))).size,
  });
  const SRV = ['cmd/srv/main.go', 'internal/pool/pool.go', 'internal/wire/wire.go'];

  it('the program: its main package (build info) and the module packages it imports, directly or not; no tests', () => {
    const s = causeScope(
      { cwd: ws, exe: join(srv(), 'bin', 'srv'), mainModule: 'example.com/server', mainPackage: 'example.com/server/cmd/srv' },
      [ws],
    );
    assert.deepEqual(s, program('cmd/srv', SRV));
  });

  it('go run from the main package (no package path known): its working directory', () => {
    const s = causeScope({ cwd: join(srv(), 'cmd', 'srv'), mainModule: 'example.com/server' }, [ws]);
    assert.deepEqual(s, program('cmd/srv', SRV));
    // go run main.go: "command-line-arguments"
    const r = causeScope({ cwd: join(srv(), 'run'), mainModule: 'example.com/server', mainPackage: 'command-line-arguments' }, [ws]);
    assert.deepEqual(r, program('run', ['run/main.go']));
  });

  it('started from a sibling module’s folder: the program’s module is found in the workspace by its path', () => {
    const s = causeScope(
      {
        cwd: join(ws, 'loadgen'),
        exe: '/tmp/go-build123/b001/exe/srv',
        mainModule: 'example.com/server',
        mainPackage: 'example.com/server/cmd/srv',
      },
      [ws],
    );
    assert.deepEqual(s, program('cmd/srv', SRV));
  });

  it('the main package unknown: the whole module (as far as it is open)', () => {
    assert.deepEqual(causeScope({ cwd: srv(), mainModule: 'example.com/server' }, [ws]), {
      kind: 'module',
      module: 'example.com/server',
      dir: srv(),
    });
    assert.deepEqual(causeScope({ cwd: join(ws, 'loadgen') }, [ws]), {
      kind: 'module',
      module: 'example.com/loadgen',
      dir: join(ws, 'loadgen'),
    });
    const folder = join(srv(), 'internal');
    assert.deepEqual(causeScope({ cwd: srv(), mainModule: 'example.com/server' }, [folder]), {
      kind: 'module',
      module: 'example.com/server',
      dir: folder,
    });
  });

  it('the whole workspace, saying why: nothing attached, or the program’s module is not in the workspace', () => {
    assert.deepEqual(causeScope(undefined, [ws]), { kind: 'workspace', why: 'no-target' });
    assert.deepEqual(causeScope({ cwd: '/', exe: '/usr/local/bin/other', mainModule: 'example.com/other' }, [ws]), {
      kind: 'workspace',
      why: 'no-module',
    });
    // a go.mod above the working directory, but of another module, and the program's module nowhere in the workspace
    assert.deepEqual(causeScope({ cwd: join(ws, 'loadgen'), mainModule: 'example.com/elsewhere' }, [ws]), {
      kind: 'workspace',
      why: 'no-module',
    });
  });

  it('reads imports: single, named, dot and blank, grouped, with comments; not past the first declaration', () => {
    const src = [
      'package x',
      '/* import "not/this" */',
      'import "a"',
      'import b "b/c"',
      'import (',
      '\t. "d" // import "not/that"',
      '\t_ "e/f"',
      '\t"g"',
      ')',
      'func f() { s := `import "h"` }',
    ].join('\n');
    assert.deepEqual(goImports(src), ['a', 'b/c', 'd', 'e/f', 'g']);
  });
});
