// Fetching Go source for the recall benchmarks: modules through the Go module proxy (into the
// module cache, outside git), or a commit of a git mirror exported to .cache/recall/.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export const CACHE = join(__dirname, '..', '..', '.cache', 'recall');

/** `go mod download -json mod@version`: the module's directory in the module cache. */
export function downloadModule(spec: string): string {
  let out = '';
  try {
    out = execFileSync('go', ['mod', 'download', '-json', spec], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, GOFLAGS: '-mod=mod' },
    });
  } catch (e) {
    // go mod download prints the JSON (with Error) and exits 1 on failure.
    out = (e as { stdout?: string }).stdout ?? '';
    if (!out) throw new Error(`${spec}: go mod download failed: ${(e as Error).message.split('\n')[0]}`);
  }
  const info = JSON.parse(out) as { Dir?: string; Error?: string };
  if (!info.Dir) throw new Error(`${spec}: ${info.Error ?? 'no directory'}`);
  return info.Dir;
}

/** The bare git directory the `fetch` tool leaves under /work/.mirror for owner/name, if any. */
export function mirrorOf(repo: string): string | null {
  const root = process.env.CONNDOCTOR_MIRRORS ?? '/work/.mirror';
  const dir = join(root, repo.replace('/', '+'));
  if (!existsSync(dir)) return null;
  // The snapshot may sit one level down (…/owner+name/<something>.git).
  const isGit = (d: string) => existsSync(join(d, 'HEAD')) && existsSync(join(d, 'objects'));
  if (isGit(dir)) return dir;
  for (const e of readdirSync(dir)) if (isGit(join(dir, e))) return join(dir, e);
  return null;
}

/** Exports `commit` of a mirror (the whole tree) to .cache/recall/src/<repo>@<commit>; cached. */
export function exportCommit(gitDir: string, repo: string, commit: string): string {
  const dest = join(CACHE, 'src', `${repo.replace('/', '+')}@${commit.slice(0, 12)}`);
  if (existsSync(dest)) return dest;
  const tmp = `${dest}.tmp${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  // Only Go sources and go.mod/modules.txt matter; skip the rest to keep the cache small.
  // (tar exits 2 when a pattern matches nothing, e.g. no vendor/modules.txt: the rest is extracted.)
  execFileSync(
    'sh',
    [
      '-c',
      `git --git-dir="$0" archive "$1" | tar -x -C "$2" --wildcards '*.go' '*go.mod' '*modules.txt' 2>/dev/null; true`,
      gitDir,
      commit,
      tmp,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  if (!readdirSync(tmp).length) throw new Error(`${repo}@${commit}: nothing exported (unknown commit?)`);
  renameSync(tmp, dest);
  return dest;
}
