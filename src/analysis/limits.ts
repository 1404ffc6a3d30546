// What the analyzer takes on: file size, binary content, and time. The language server runs on
// whatever the user types, so one file must never stall it: parsing is cancelled past a deadline
// (tree-sitter's error recovery is quadratic in long runs of quotes or backquotes) and the rules of
// a file stop at a budget, leaving the file reported as not fully analyzed.

/** Input we decline to analyze, and why; the message names the file. */
export class InputError extends Error {
  constructor(
    message: string,
    readonly reason: 'size' | 'binary' | 'too-complex',
  ) {
    super(message);
  }
}

/**
 * Allowance (ms of our own work, see Stopwatch) for parsing one file. tree-sitter parses real Go at
 * several MB/s, so this grows with size at 1 ms per KB (2.5 s for a 2 MB file) over a fixed half
 * second that absorbs warm-up. A parse that needs more is not merely big but pathological (its
 * error recovery is quadratic in runs of quotes), and waiting longer would not help.
 */
export function parseBudgetFor(chars: number): number {
  return 500 + chars / 1024;
}

/**
 * Allowance for the rules of one file. Looser than the parse's: the rules are near-linear, and they
 * also compute the facts of the package's other files on demand (net/http's 388 KB h2_bundle.go
 * costs about 0.5 s of CPU with its package on a loaded two-core box); the budget only guards
 * against a blow-up nobody has found yet. 1.8 s for 388 KB, 5 s for 2 MB.
 */
export function ruleBudgetFor(chars: number): number {
  return 1000 + (2 * chars) / 1024;
}

/** Thrown when tree-sitter is cancelled at its deadline; the file is skipped. */
export class ParseTimeout extends InputError {
  constructor(message: string) {
    super(message, 'too-complex');
  }
}

/** Thrown out of rule code (via `tick`) once the file's budget is spent. */
export class BudgetExceeded extends Error {
  constructor() {
    super('analysis budget exceeded');
  }
}

/**
 * Thrown by an analysis that will not go on (statements nested thousands deep): the rule is
 * skipped for that file, which is reported as not fully analyzed.
 */
export class TooComplex extends Error {}

/**
 * A stopwatch for our own work. Wall time alone counts the time other processes hold the CPU (on
 * a loaded machine a normal file would run out of budget); process CPU time alone counts other
 * threads' work (the CLI's workers). Each is an upper bound of this thread's work, so the smaller
 * one is the closest measure we have.
 */
export class Stopwatch {
  private wall = performance.now();
  private cpu = cpuMs();
  private skips = 0;

  /** Leaves out time spent on something else (work done off this budget, see `offBudget`). */
  exclude(wallMs: number, cpuMsSpent: number): void {
    this.wall += wallMs;
    this.cpu += cpuMsSpent;
  }

  elapsed(): number {
    return Math.min(performance.now() - this.wall, cpuMs() - this.cpu);
  }

  /**
   * Has more than `ms` passed? Cheap enough for tree-sitter's progress callback: the CPU clock (a
   * system call) is read only once the wall clock is past, and then every 32nd call unless `exact`.
   */
  over(ms: number, exact = false): boolean {
    if (performance.now() - this.wall <= ms) return false;
    if (!exact && ++this.skips & 31) return false;
    return cpuMs() - this.cpu > ms;
  }
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

// One budget at a time: rules run synchronously, and each worker thread has its own module state.
let current: { watch: Stopwatch; ms: number } | null = null;
let ticks = 0;

/**
 * Runs `fn` with a budget of `ms`; `tick()` inside throws BudgetExceeded once it is spent.
 * A nested budget replaces the outer one while it runs.
 */
export function withBudget<T>(ms: number, fn: () => T): T {
  const outer = current;
  current = ms === Infinity ? null : { watch: new Stopwatch(), ms };
  try {
    return fn();
  } finally {
    current = outer;
  }
}

/**
 * Runs `fn` under its own budget of `ms`, not charged to the current one: work shared by every file
 * that needs it (another package's summaries, computed once and cached) must not use up the budget
 * of the file that happened to ask first.
 */
export function offBudget<T>(ms: number, fn: () => T): T {
  const outer = current;
  const w0 = performance.now();
  const c0 = cpuMs();
  try {
    return withBudget(ms, fn);
  } finally {
    outer?.watch.exclude(performance.now() - w0, cpuMs() - c0);
  }
}

/** True once the current budget is spent (reads the clocks every call: use between coarse steps). */
export function overBudget(): boolean {
  return !!current && current.watch.over(current.ms, true);
}

/**
 * A cheap checkpoint for loops whose trip count the input controls (tree walks, fixpoints): reads
 * the clocks only every 1024 calls.
 */
export function tick(): void {
  if ((++ticks & 1023) === 0 && current && current.watch.over(current.ms, true)) throw new BudgetExceeded();
}
