// Adversarial Go sources: shapes that once made the analyzer (or tree-sitter) slow or overflow
// the stack, each generated at any size. Used by the fuzz test (moderate sizes), `npm run fuzz`
// and the adversarial benchmark (sizes up to the 2 MB file limit).

export interface Shape {
  name: string;
  /** What it stresses. */
  what: string;
  /** Go source with `n` repetitions of the shape. */
  make(n: number): string;
}

const header = 'package p\n\nimport (\n\t"net"\n\t"net/http"\n\t"time"\n)\n\n';
const rep = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join('');

export const SHAPES: Shape[] = [
  {
    name: 'dials-closed',
    what: 'n acquisitions in one function, each checked and deferred (conn-not-closed, closewrite-without-close)',
    make: (n) =>
      `${header}func f() {\n${rep(n, (i) => `\tc${i}, err := net.Dial("tcp", "a")\n\tif err != nil {\n\t\treturn\n\t}\n\tdefer c${i}.Close()\n`)}}\n`,
  },
  {
    name: 'dials-half-closed',
    what: 'n acquisitions never closed, each half-closed: every one leaks at every later return',
    make: (n) =>
      `${header}func f() {\n${rep(n, (i) => `\tc${i}, err := net.Dial("tcp", "a")\n\tif err != nil {\n\t\treturn\n\t}\n\tc${i}.(*net.TCPConn).CloseWrite()\n`)}}\n`,
  },
  {
    name: 'dials-own-errors',
    what: 'n acquisitions with their own error variables and early returns: O(n) leak paths each',
    make: (n) =>
      `${header}func f() error {\n${rep(n, (i) => `\tc${i}, e${i} := net.Dial("tcp", "a")\n\tif e${i} != nil {\n\t\treturn e${i}\n\t}\n\t_ = c${i}\n`)}\treturn nil\n}\n`,
  },
  {
    name: 'bodies',
    what: 'n HTTP responses in one function, each checked and closed (body-not-closed)',
    make: (n) =>
      `${header}func f(c *http.Client) {\n${rep(n, (i) => `\tr${i}, err := c.Get("u")\n\tif err != nil {\n\t\treturn\n\t}\n\tdefer r${i}.Body.Close()\n`)}}\n`,
  },
  {
    name: 'nested-for',
    what: 'a connection read under n nested loops (read-no-deadline, deadline rules)',
    make: (n) => `${header}func f(c net.Conn) {\n${'for {\n'.repeat(n)}c.Read(nil)\n${'}\n'.repeat(n)}}\n`,
  },
  {
    name: 'nested-for-dial',
    what: 'an acquisition walked through n nested loops and blocks (lifecycle recursion on nesting)',
    make: (n) =>
      `${header}func f() {\n\tc, err := net.Dial("tcp", "a")\n\tif err != nil {\n\t\treturn\n\t}\n${'for {\nif x {\nbreak\n}\n'.repeat(n)}c.Read(nil)\n${'}\n'.repeat(n)}}\n`,
  },
  {
    name: 'else-if-chain',
    what: 'an acquisition followed by an else-if chain n long (each else nests one level deeper)',
    make: (n) =>
      `${header}func f(x int) {\n\tc, err := net.Dial("tcp", "a")\n\tif err != nil {\n\t\treturn\n\t}\n\t${rep(n, (i) => `if x == ${i} {\n\t\treturn\n\t} else `)}{\n\t\tc.Close()\n\t}\n}\n`,
  },
  {
    name: 'selector-chain',
    what: 'an n-deep selector chain closed, deadlined and read (pathText, deadline-now, defer-before-errcheck)',
    make: (n) => {
      const chain = `c${'.b'.repeat(n)}`;
      return `${header}func f(c T) {\n\tdefer ${chain}.Close()\n\tresp, err := http.Get("u")\n\tdefer resp.Body.Close()\n\tif err != nil {\n\t\treturn\n\t}\n\t${chain}.SetReadDeadline(time.Now())\n\t${chain}.Read(nil)\n}\n`;
    },
  },
  {
    name: 'or-chain',
    what: 'an error check with n conditions joined by || and && (guards, errNotNil)',
    make: (n) =>
      `${header}func f() {\n\tc, err := net.Dial("tcp", "a")\n\tif err != nil${rep(n, (i) => (i % 2 ? ` || x${i}` : ` && y${i}`))} {\n\t\treturn\n\t}\n\tdefer c.Close()\n\tif ne, ok := err.(net.Error); ok${rep(n, (i) => ` && ne.Timeout() != b${i}`)} {\n\t\treturn\n\t}\n}\n`,
  },
  {
    name: 'duration-product',
    what: 'a timeout written as a product of n factors (constant folding)',
    make: (n) =>
      `${header}func f(w http.ResponseWriter, r *http.Request) {\n\ttime.Sleep(${rep(n, () => '1 * ')}time.Second)\n\tsrv := &http.Server{ReadTimeout: ${rep(n, () => '1 * ')}time.Second}\n\t_ = srv\n}\n`,
  },
  {
    name: 'pointer-type',
    what: 'a parameter of type *…*net.Conn, n stars deep (typeKind)',
    make: (n) => `${header}func f(c ${'*'.repeat(n)}net.Conn) {\n\tfor {\n\t\t_ = c\n\t}\n}\n`,
  },
  {
    name: 'labels',
    what: 'n labels on one statement (labeled statements nest)',
    make: (n) =>
      `${header}func f() {\n\tc, err := net.Dial("tcp", "a")\n\tif err != nil {\n\t\treturn\n\t}\n${rep(n, (i) => `L${i}:\n`)}\tfor {\n\t\tbreak\n\t}\n\tc.Close()\n}\n`,
  },
  {
    name: 'build-tag',
    what: 'a //go:build line with n negations (raw-syscall rules read build constraints)',
    make: (n) => `//go:build ${'!'.repeat(n)}linux\n\n${header}import "syscall"\n\nfunc f(fd int) { syscall.SetNonblock(fd, true) }\n`,
  },
  {
    name: 'concat',
    what: 'a string concatenation of n terms (a left-deep binary expression)',
    make: (n) => `${header}var s = ${rep(n, () => '"a" + ')}"a"\n\nfunc f() { http.Get(s) }\n`,
  },
  {
    name: 'long-argument',
    what: 'an argument a fix moves (and formats) that is a sum of n terms',
    make: (n) => `${header}func main() {\n\thttp.ListenAndServe(${rep(n, () => '"0" + ')}":8080", nil)\n}\n`,
  },
  {
    name: 'nested-calls',
    what: 'f(f(f(…))) n deep around a dial',
    make: (n) => `${header}func f() {\n\tc, _ := net.Dial("tcp", ${'g('.repeat(n)}"a"${')'.repeat(n)})\n\t_ = c\n}\n`,
  },
  {
    name: 'nested-parens',
    what: 'a dial inside n parentheses',
    make: (n) =>
      `${header}func f() {\n\tc, err := ${'('.repeat(n)}net.Dial("tcp", "a")${')'.repeat(n)}\n\tif err != nil {\n\t\treturn\n\t}\n\t_ = c\n}\n`,
  },
  {
    name: 'nested-func-literals',
    what: 'n nested function literals around a dial',
    make: (n) => `${header}var f = ${'func() {\n'.repeat(n)}c, _ := net.Dial("tcp", "a")\n_ = c\n${'}()\n'.repeat(n - 1)}}\n`,
  },
  {
    name: 'quotes',
    what: 'a run of n double quotes (tree-sitter error recovery is quadratic in it)',
    make: (n) => `${header}func f() {\n${'"'.repeat(n)}\n}\n`,
  },
  {
    name: 'backquotes',
    what: 'a run of n backquotes',
    make: (n) => `${header}var x = ${'`'.repeat(n)}\n`,
  },
  {
    name: 'commented-clients',
    what: 'n fixable findings in one function where every line ends in a comment (one gofmt alignment region for all)',
    make: (n) =>
      `${header}func f() {\n${rep(n, (i) => `\tc${i} := &http.Client{} // c\n${rep(16, (j) => `\tc${i}.Get("u") // filler ${j}\n`)}`)}}\n`,
  },
  {
    name: 'many-functions',
    what: 'n small functions that dial, read and close (breadth, for comparison)',
    make: (n) =>
      header +
      rep(
        n,
        (i) =>
          `func f${i}(a string) error {\n\tc, err := net.DialTimeout("tcp", a, time.Second)\n\tif err != nil {\n\t\treturn err\n\t}\n\tdefer c.Close()\n\t_, err = c.Read(nil)\n\treturn err\n}\n\n`,
      ),
  },
];

/** The largest n whose source stays within `bytes`. */
export function sizeFor(shape: Shape, bytes: number): number {
  let lo = 1;
  let hi = 1;
  while (shape.make(hi).length <= bytes) hi *= 2;
  while (lo < hi - 1) {
    const mid = (lo + hi) >> 1;
    if (shape.make(mid).length <= bytes) lo = mid;
    else hi = mid;
  }
  return lo;
}
