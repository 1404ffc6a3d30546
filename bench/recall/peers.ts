// Recall and precision on the peers' own testdata: bodyclose, vet's httpresponse and noctx, each
// scored on the rule family that matches it against the `// want` lines of their analysistest
// packages. The modules come through the Go module proxy at pinned versions (module cache, outside
// git); nothing of theirs is committed.
//
//   node --import tsx bench/recall/peers.ts [--json] [--verbose]
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ensureReady } from '../../src/analysis/engine';
import { analyzeDir } from '../../src/analysis/project';
import type { Finding } from '../../src/analysis/model';
import { wants } from '../../test/unit/helpers/wants';
import { downloadModule } from './modules';

interface Peer {
  name: string;
  module: string;
  /** Package directories of the analysistest run, relative to the module. */
  packages: string[];
  /** Our rules that answer the peer's check. */
  rules: string[];
  /**
   * Which `// want` lines our family should report (the peer's message decides). Lines outside the
   * scope are neither expected nor counted against us when we report them.
   */
  inScope: (message: string) => boolean;
  /** Findings of the family on lines without an in-scope want that are right by our rules' meaning, with why. */
  accepted?: Record<string, string>;
}

const PEERS: Peer[] = [
  {
    name: 'bodyclose',
    // The snapshot studied in /work/shared/research/peers.md (857993a).
    module: 'github.com/timakin/bodyclose@v0.0.0-20260723120731-857993a2939c',
    packages: ['passes/bodyclose/testdata/src/a'],
    rules: ['body-not-closed'],
    inScope: (m) => /response body must be closed/.test(m),
  },
  {
    name: 'httpresponse',
    module: 'golang.org/x/tools@v0.52.0',
    packages: ['go/analysis/passes/httpresponse/testdata/src/a', 'go/analysis/passes/httpresponse/testdata/src/typeparams'],
    rules: ['defer-before-errcheck'],
    inScope: (m) => /before checking for errors/.test(m),
  },
  {
    name: 'noctx',
    module: 'github.com/sonatard/noctx@v0.5.1',
    packages: ['testdata/src/http_client', 'testdata/src/network', 'testdata/src/crypto_tls'],
    rules: ['dial-no-timeout', 'http-client-no-timeout'],
    // noctx bans context-less APIs; ours ask for a timeout. In scope: the package-level HTTP helpers
    // (they use http.DefaultClient, which has no Timeout) and dials with no timeout at all. Out of
    // scope: net.DialTimeout (has one), Listen/Lookup/NewRequest/Handshake (no dial or request
    // without a bound), and (*http.Client).Get on a client whose missing Timeout we report where
    // the client is built, not at each call.
    inScope: (m) =>
      /net\/http\\?\.(Get|Head|Post|PostForm) must/.test(m) ||
      /^`?net\\?\.Dial must/.test(m) ||
      /crypto\/tls\\?\.(Dial|DialWithDialer) must/.test(m),
    accepted: {
      'testdata/src/http_client/http_client.go:9 http-client-no-timeout':
        '`cli := &http.Client{}` has no Timeout; noctx reports its calls instead, we report the construction',
    },
  },
];

interface Score {
  peer: string;
  module: string;
  rules: string[];
  expected: number;
  found: number;
  recall: number;
  reported: number;
  correct: number;
  precision: number;
  missed: string[];
  extra: string[];
  accepted: string[];
}

function goFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.go'))
    .map((f) => join(dir, f));
}

function score(peer: Peer): Score {
  const root = downloadModule(peer.module);
  const expected = new Map<string, string>(); // "file:line" -> want text
  const findings: Finding[] = [];
  for (const pkg of peer.packages) {
    const files = goFiles(join(root, pkg));
    for (const f of files) {
      for (const [line, res] of wants(readFileSync(f, 'utf8'))) {
        // RegExp.source escapes slashes; the scopes match the peer's text.
        const msg = res.map((r) => r.source.replace(/\\\//g, '/')).join(' ');
        if (peer.inScope(msg)) expected.set(`${relative(root, f)}:${line + 1}`, msg);
      }
    }
    const r = analyzeDir(files, { rules: peer.rules });
    if (r.errors.length) throw new Error(r.errors.join('\n'));
    findings.push(...r.findings);
  }
  const reportedAt = new Map<string, Finding[]>();
  for (const f of findings) {
    const k = `${relative(root, f.file)}:${f.range.start.line + 1}`;
    reportedAt.set(k, [...(reportedAt.get(k) ?? []), f]);
  }
  const missed = [...expected.keys()].filter((k) => !reportedAt.has(k));
  const found = expected.size - missed.length;
  const extra: string[] = [];
  const accepted: string[] = [];
  let correct = 0;
  for (const [k, fs] of reportedAt) {
    for (const f of fs) {
      const why = peer.accepted?.[`${k} ${f.rule}`];
      if (expected.has(k)) correct++;
      else if (why) {
        correct++;
        accepted.push(`${k} ${f.rule}: ${why}`);
      } else extra.push(`${k} ${f.rule}: ${f.message}`);
    }
  }
  const reported = findings.length;
  return {
    peer: peer.name,
    module: peer.module,
    rules: peer.rules,
    expected: expected.size,
    found,
    recall: expected.size ? found / expected.size : 1,
    reported,
    correct,
    precision: reported ? correct / reported : 1,
    missed: missed.map((k) => `${k}: want ${expected.get(k)}`),
    extra,
    accepted,
  };
}

async function main(): Promise<void> {
  await ensureReady();
  const scores = PEERS.map(score);
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(scores, null, 1));
    return;
  }
  const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
  for (const s of scores) {
    console.log(
      `${s.peer.padEnd(13)} ${s.rules.join('+').padEnd(44)} recall ${s.found}/${s.expected} (${pct(s.recall)})  precision ${s.correct}/${s.reported} (${pct(s.precision)})`,
    );
    if (process.argv.includes('--verbose') || s.missed.length + s.extra.length <= 12) {
      for (const m of s.missed) console.log(`    missed  ${m}`);
      for (const m of s.extra) console.log(`    extra   ${m}`);
      for (const m of s.accepted) console.log(`    ok      ${m}`);
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
