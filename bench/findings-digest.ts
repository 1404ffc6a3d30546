// Proof harness for output-identical speed-ups of the analysis: every file of some packages is
// analyzed as the edited file with its siblings' trees kept (as the language server keeps them),
// then an edited copy of each, and one digest of all findings is printed. Run it on two checkouts
// and compare: `WT=/path/to/other/checkout node --import tsx bench/findings-digest.ts`.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type * as Engine from '../src/analysis/engine';
import type * as Parser from '../src/analysis/parser';
import type * as Project from '../src/analysis/project';

const root = resolve(process.env.WT ?? join(__dirname, '..'));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { analyze, ensureReady } = require(join(root, 'src/analysis/engine')) as typeof Engine;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parseGo } = require(join(root, 'src/analysis/parser')) as typeof Parser;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { pickFiles } = require(join(root, 'src/analysis/project')) as typeof Project;

const STD = ['net', 'net/http', 'net/http/httputil', 'net/rpc', 'net/smtp', 'net/textproto', 'crypto/tls'];
const MODULES = [
  'github.com/gliderlabs/ssh@v0.3.8',
  'github.com/elazarl/goproxy@v1.9.4',
  'github.com/hashicorp/memberlist@v0.7.0',
  'github.com/armon/go-socks5@v0.0.0-20160902184237-e75332964ef5',
];

void (async () => {
  await ensureReady();
  const go = (v: string) => execFileSync('go', ['env', v], { encoding: 'utf8' }).trim();
  const dirs = [...STD.map((d) => join(go('GOROOT'), 'src', d)), ...MODULES.map((m) => join(go('GOMODCACHE'), m))];
  const h = createHash('sha1');
  let n = 0;
  let findings = 0;
  const c0 = process.cpuUsage();
  for (const dir of dirs) {
    if (!existsSync(dir)) {
      console.error(`missing ${dir} (go mod download it): left out`);
      continue;
    }
    const parse = (s: Engine.SourceFile) => parseGo(s.text, null, { keepWasm: false, path: s.path });
    const files: Engine.SourceFile[] = readdirSync(dir)
      .filter((f) => f.endsWith('.go'))
      .sort()
      .map((f) => ({ path: join(dir, f), text: readFileSync(join(dir, f), 'utf8') }));
    for (const f of files) f.tree = parse(f);
    for (const pass of [0, 1])
      for (const t of files) {
        let target = t;
        if (pass) {
          const text = t.text.replace('\n', '\n// edit\n');
          target = { path: t.path, text, tree: parse({ path: t.path, text }) };
        }
        const picked = pickFiles([target, ...files.filter((s) => s !== t)], parse).filter((s) => s !== target);
        const r = analyze([target], picked, {});
        findings += r.findings.length;
        h.update(JSON.stringify([t.path, pass, r.findings, r.errors.map((e) => e.message), r.incomplete]));
        n++;
      }
  }
  const c = process.cpuUsage(c0);
  console.log(`${n} analyses, ${findings} findings, digest ${h.digest('hex')}, CPU ${((c.user + c.system) / 1e6).toFixed(1)} s`);
})();
