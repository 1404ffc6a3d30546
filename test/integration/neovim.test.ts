// Neovim's built-in LSP client (Debian's neovim, headless) attaches `conndoctor lsp --stdio` to a
// Go file with the configuration the README gives, gets our diagnostics (push: Neovim 0.7 has no
// pull diagnostics) and a code action whose edit fixes the finding.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDebianTool, versionOf } from '../helpers/testTools';

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
    nvim = ensureDebianTool('nvim', 'neovim');
    console.log(`      ${versionOf(nvim)}`);
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
    const r = spawnSync(nvim, ['--headless', '-u', init, '-i', 'NONE', '-n', join(dir, 'main.go')], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 110_000,
      env: {
        ...process.env,
        CD_NODE: process.execPath,
        CD_CLI: CLI,
        CD_ROOT: dir,
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
