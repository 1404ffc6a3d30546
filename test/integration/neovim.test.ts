// Neovim's built-in LSP client (Debian's neovim, headless) attaches `conndoctor lsp --stdio` to a
// Go file with the configuration the README gives (its lua block, as is, with `conndoctor` on PATH),
// gets our diagnostics (push: Neovim 0.7 has no pull diagnostics) and a code action whose edit
// fixes the finding.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const SKIP = process.env.CONNDOCTOR_SKIP_NEOVIM === '1';

const SRC = `package app

import (
	"io"
	"net/http"
)

func fetch(c *http.Client, url string) ([]byte, error) {
	resp, err := c.Get(url)
	defer resp.Body.Close()
	if err != nil {
		return nil, err
	}
	return io.ReadAll(resp.Body)
}
`;

interface NvimResult {
  filetype: string;
  diagnostics: { code: string; lnum: number; col: number; severity: number; source: string; message: string }[];
  actions: { title: string; kind: string; preferred: boolean; hasEdit: boolean }[];
  fixed?: string;
  after?: boolean;
  errors: string[];
}

(SKIP ? describe.skip : describe)('Neovim (built-in LSP client, headless)', function () {
  this.timeout(15 * 60_000);
  let nvim: string;
  let dir: string;

  before(function () {
    if (!existsSync(CLI)) throw new Error('dist/cli.js missing: npm test builds it first (npm run build)');
    const which = spawnSync('sh', ['-c', 'command -v nvim'], { encoding: 'utf8' });
    if (which.status !== 0) throw new Error('nvim is missing: `npm test` installs it (scripts/test-deps.sh), or apt-get install neovim');
    nvim = which.stdout.trim();
    console.log(`      ${spawnSync(nvim, ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0]}`);
    dir = mkdtempSync(join(tmpdir(), 'cd-nvim-'));
    writeFileSync(join(dir, 'go.mod'), 'module example.com/app\n\ngo 1.22\n');
    writeFileSync(join(dir, 'main.go'), SRC);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('gets our diagnostics and a code action that fixes the finding', function () {
    this.timeout(120_000);
    const out = join(dir, 'result.json');
    const init = join(dir, 'init.lua');
    cpSync(join(__dirname, 'neovim', 'init.lua'), init);
    // The README's configuration, as a user pastes it.
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const block = /<!-- neovim-config[^>]*-->\s*```lua\n([\s\S]*?)```/.exec(readme);
    assert.ok(block, 'README has the Neovim configuration block');
    writeFileSync(join(dir, 'config.lua'), block[1]);
    // `conndoctor` on PATH, as `npm install -g` would put it.
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'conndoctor'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
    chmodSync(join(bin, 'conndoctor'), 0o755);
    const r = spawnSync(nvim, ['--headless', '-u', init, '-i', 'NONE', '-n', join(dir, 'main.go')], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 110_000,
      env: {
        ...process.env,
        PATH: `${bin}:${process.env.PATH}`,
        CD_CONFIG: join(dir, 'config.lua'),
        CD_OUT: out,
        XDG_STATE_HOME: dir,
        XDG_DATA_HOME: dir,
        XDG_CONFIG_HOME: dir,
      },
    });
    assert.ok(existsSync(out), `Neovim wrote no result (exit ${r.status}, signal ${r.signal}):\n${r.stdout}\n${r.stderr}`);
    const res = JSON.parse(readFileSync(out, 'utf8')) as NvimResult;
    assert.deepEqual(res.errors, []);
    assert.equal(res.filetype, 'go');
    const cli = JSON.parse(spawnSync(process.execPath, [CLI, '--format', 'json', 'main.go'], { cwd: dir, encoding: 'utf8' }).stdout) as {
      rule: string;
      line: number;
      column: number;
      message: string;
    }[];
    assert.deepEqual(
      res.diagnostics.map((d) => `${d.code}@${d.lnum + 1}:${d.col + 1} ${d.message}`).sort(),
      cli.map((f) => `${f.rule}@${f.line}:${f.column} ${f.message}`).sort(),
    );
    assert.ok(res.diagnostics.every((d) => d.source === 'conndoctor'));
    const titles = res.actions.map((a) => a.title);
    assert.ok(titles.includes('Move defer resp.Body.Close() after the error check'), titles.join(' | '));
    assert.ok(res.actions.some((a) => a.preferred && a.hasEdit));
    assert.match(res.fixed ?? '', /if err != nil \{\n\t\treturn nil, err\n\t\}\n\tdefer resp\.Body\.Close\(\)\n/);
    assert.equal(res.after, true, 'the finding went away after the fix');
  });
});
