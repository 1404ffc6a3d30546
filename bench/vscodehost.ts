// The extension host while typing, measured in a real VS Code (code-server, as the integration
// tests run it): the longest event-loop stall and edit -> diagnostics as the editor sees them, with
// the language server running and stopped (bench/editorhost/typing.host.ts). The workspace is a
// Go module holding a copy of net/http's non-test files.
// Standalone: `node --import tsx bench/vscodehost.ts`; `npm run bench` runs it with BENCH_VSCODE=1.
import { execFileSync } from 'node:child_process';
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSuite, CodeServer, ensureCodeServer, REPO_ROOT, runSuite } from '../test/integration/harness';

export async function runVsCodeHostBench(): Promise<Record<string, Record<string, number | string | null>>> {
  const goroot = execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim();
  const ws = mkdtempSync(join(tmpdir(), 'conndoctor-hostbench-'));
  writeFileSync(join(ws, 'go.mod'), 'module example.com/hostbench\n\ngo 1.22\n');
  mkdirSync(join(ws, 'http'));
  const src = join(goroot, 'src', 'net', 'http');
  for (const n of readdirSync(src)) if (n.endsWith('.go') && !n.endsWith('_test.go')) copyFileSync(join(src, n), join(ws, 'http', n));
  // The standard library has no findings of ours: a leak at the end of transport.go gives the
  // editor diagnostics that move with every line typed above them.
  appendFileSync(
    join(ws, 'http', 'transport.go'),
    '\nfunc conndoctorBenchLeak(addr string) error {\n\tc, err := net.Dial("tcp", addr)\n\tif err != nil {\n\t\treturn err\n\t}\n\t_, err = c.Write(nil)\n\treturn err\n}\n',
  );
  const install = await ensureCodeServer();
  const suite = await buildSuite({ srcDir: join(__dirname, 'editorhost') });
  const server = await CodeServer.start(install, { name: 'hostbench' });
  try {
    const r = await runSuite({
      server,
      folder: ws,
      extensionDevelopmentPath: REPO_ROOT,
      suite,
      timeoutMs: 600_000,
      testTimeoutMs: 500_000,
      context: { extensionMode: 'development', repoRoot: REPO_ROOT },
    });
    const line = r.output.split('\n').find((l) => l.includes('CONNDOCTOR_PERF '));
    if (!line) throw new Error(`no measurement (exit ${r.exitCode}):\n${r.output.slice(-3000)}`);
    const m = JSON.parse(line.slice(line.indexOf('CONNDOCTOR_PERF ') + 16)) as {
      openMs: number;
      serverRssMb: number;
      withServer: Record<string, number | null>;
      withoutServer: Record<string, number | null>;
    };
    return {
      'vscode host, typing with conndoctor': { 'open -> diagnostics ms': m.openMs, ...m.withServer, 'server RSS MB': m.serverRssMb },
      'vscode host, typing without it': m.withoutServer,
    };
  } finally {
    await server.stop();
    suite.remove();
    rmSync(ws, { recursive: true, force: true });
  }
}

if (require.main === module) {
  void runVsCodeHostBench().then(
    (r) => {
      for (const [section, nums] of Object.entries(r)) {
        console.log(section);
        for (const [k, v] of Object.entries(nums)) console.log(`  ${k.padEnd(36)} ${v}`);
      }
    },
    (e) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
