// Build constraints (file name suffixes, `//go:build` and legacy `// +build` lines) as the go
// command reads them (go/build: goodOSArchFile, shouldBuild; go/build/constraint).

/** GOOS values go/build knows (syslist.go), which a `_GOOS.go` suffix or a tag can name. */
export const KNOWN_OS = new Set([
  'aix',
  'android',
  'darwin',
  'dragonfly',
  'freebsd',
  'hurd',
  'illumos',
  'ios',
  'js',
  'linux',
  'nacl',
  'netbsd',
  'openbsd',
  'plan9',
  'solaris',
  'wasip1',
  'windows',
  'zos',
]);

const KNOWN_ARCH = new Set([
  '386',
  'amd64',
  'arm',
  'arm64',
  'loong64',
  'mips',
  'mipsle',
  'mips64',
  'mips64le',
  'ppc64',
  'ppc64le',
  'riscv64',
  's390x',
  'wasm',
  'sparc64',
]);

/** The OSes the `unix` tag holds for (go/build/syslist.go unixOS). */
const UNIX = new Set([
  'aix',
  'android',
  'darwin',
  'dragonfly',
  'freebsd',
  'hurd',
  'illumos',
  'ios',
  'linux',
  'netbsd',
  'openbsd',
  'solaris',
]);

const GOOS =
  {
    linux: 'linux',
    darwin: 'darwin',
    win32: 'windows',
    freebsd: 'freebsd',
    openbsd: 'openbsd',
    netbsd: 'netbsd',
    aix: 'aix',
    sunos: 'solaris',
  }[process.platform as string] ?? 'linux';
const GOARCH =
  { x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' }[process.arch as string] ??
  'amd64';

/** Tags true on this machine for the default build (cgo on, any go1.N release tag). */
function tagHere(tag: string): boolean {
  if (tag === GOOS || tag === GOARCH || tag === 'gc' || tag === 'cgo') return true;
  if (tag === 'unix') return UNIX.has(GOOS);
  return /^go1\.\d+$/.test(tag);
}

/**
 * The file's constraint as one `//go:build` expression: its `//go:build` line, else its `// +build`
 * lines joined (each line's space-separated options ORed, commas ANDed, lines ANDed); null if none.
 * `lines` are the comments before the package clause.
 */
export function constraintOf(lines: Iterable<string>): string | null {
  const plus: string[] = [];
  for (const line of lines) {
    const m = /^\/\/go:build\s+(.*)$/.exec(line);
    if (m) return m[1].trim();
    const pb = /^\/\/\s*\+build\s+(.*)$/.exec(line);
    if (pb)
      plus.push(
        pb[1]
          .trim()
          .split(/\s+/)
          .map((opt) => `(${opt.split(',').join(' && ')})`)
          .join(' || '),
      );
  }
  return plus.length ? plus.map((e) => `(${e})`).join(' && ') : null;
}

/** Evaluates a //go:build expression with `val` deciding each tag; null when it does not parse. */
export function evalConstraint(expr: string, val: (tag: string) => boolean): boolean | null {
  const toks = expr.match(/\|\||&&|!|\(|\)|[A-Za-z_][\w.]*/g) ?? [];
  let i = 0;
  const or = (): boolean | null => {
    let v = and();
    while (v !== null && toks[i] === '||') {
      i++;
      const r = and();
      if (r === null) return null;
      v = v || r;
    }
    return v;
  };
  const and = (): boolean | null => {
    let v = not();
    while (v !== null && toks[i] === '&&') {
      i++;
      const r = not();
      if (r === null) return null;
      v = v && r;
    }
    return v;
  };
  // Parentheses recurse; like go/build/constraint, refuse expressions nested absurdly deep.
  let depth = 0;
  const not = (): boolean | null => {
    let negate = false;
    for (; toks[i] === '!'; i++) negate = !negate;
    let v: boolean | null;
    if (toks[i] === '(') {
      if (++depth > 100) return null;
      i++;
      v = or();
      depth--;
      if (toks[i] !== ')') return null;
      i++;
    } else {
      const t = toks[i++];
      if (!t || !/^[A-Za-z_]/.test(t)) return null;
      v = val(t);
    }
    return v === null ? null : negate ? !v : v;
  };
  const v = or();
  return i === toks.length ? v : null;
}

/** Does the go command build this file here (file name suffixes and the build constraint)? */
export function buildsHere(path: string, text: string): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1).replace(/\.go$/, '');
  const parts = base.split('_');
  if (parts[parts.length - 1] === 'test') parts.pop();
  const last = parts[parts.length - 1];
  const prev = parts[parts.length - 2];
  if (parts.length > 1 && KNOWN_ARCH.has(last)) {
    if (last !== GOARCH) return false;
    if (parts.length > 2 && KNOWN_OS.has(prev) && prev !== GOOS) return false;
  } else if (parts.length > 1 && KNOWN_OS.has(last) && last !== GOOS) return false;
  const head = text.slice(0, text.search(/^package\s/m) >>> 0);
  const expr = constraintOf(head.split('\n').map((l) => l.trimEnd()));
  return expr === null ? true : (evalConstraint(expr, tagHere) ?? true);
}
