// Test-only tools from Debian packages, installed on first need (not by scripts/setup.sh: a user
// who only runs the analyzer never needs them). Waits for the dpkg lock rather than failing when
// another apt run holds it.
import { execFileSync, spawnSync } from 'node:child_process';

function which(bin: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** The path of `bin`, installing Debian package `pkg` first when it is missing. */
export function ensureDebianTool(bin: string, pkg: string): string {
  const have = which(bin);
  if (have) return have;
  const root = process.getuid?.() === 0;
  const sudo = root ? [] : which('sudo') ? ['sudo', '-n'] : null;
  if (!sudo) throw new Error(`${bin} is missing and cannot be installed without root: apt-get install ${pkg}`);
  const apt = (args: string[]) =>
    spawnSync(sudo[0] ?? 'apt-get', [...sudo.slice(1), ...(sudo.length ? ['apt-get'] : []), '-o', 'DPkg::Lock::Timeout=600', ...args], {
      encoding: 'utf8',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      timeout: 15 * 60_000,
    });
  let r = apt(['install', '-y', '-qq', '--no-install-recommends', pkg]);
  if (r.status !== 0) {
    apt(['update', '-qq']);
    r = apt(['install', '-y', '-qq', '--no-install-recommends', pkg]);
  }
  const path = which(bin);
  if (r.status !== 0 || !path) throw new Error(`installing ${pkg} failed:\n${(r.stderr || r.stdout || '').slice(-2000)}`);
  return path;
}

/** `bin --version`'s first line. */
export function versionOf(bin: string): string {
  return execFileSync(bin, ['--version'], { encoding: 'utf8' }).split('\n')[0];
}
