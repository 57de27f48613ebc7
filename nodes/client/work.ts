/**
 * Work that gives the event loop back: long synchronous work (comparing many rules, comparing a
 * list of 40,000 items) written as a generator that yields wherever it may pause, driven either
 * at once (`finish`) or a slice at a time (`finishInSlices`), so other flows, timers and requests
 * run between its slices. A `WorkDeadline` says when a slice is over by looking at the clock
 * every thousand or so steps, and may bound the whole work in milliseconds too.
 */

/** Steps of work between two looks at the clock: a few microseconds, so a look costs nothing. */
export const STEPS_BETWEEN_LOOKS = 1024;

/**
 * How long a piece of work may take, in milliseconds of the clock, not in steps (a step count is
 * either too small for a large honest input or seconds long on a slow machine), and how long each
 * of its slices may hold the event loop before the work pauses at its next yield.
 */
export class WorkDeadline {
  private readonly end: number;
  private sliceEnd = Infinity;
  private steps = 0;
  /** Whether this slice is over: the work yields at its next pause point. */
  sliceOver = false;

  /**
   * @param ms the whole work's time, from now (Infinity: no bound); past it, `overdue`'s error is thrown.
   * @param sliceMs the longest a slice may hold the event loop (Infinity: no pauses).
   */
  constructor(
    readonly ms = Infinity,
    private readonly sliceMs = Infinity,
    private readonly overdue: (ms: number) => Error = (late) => new RangeError(`The work took longer than ${late} ms`),
  ) {
    this.end = performance.now() + ms;
    this.nextSlice();
  }

  /** Counts steps of work; every thousand or so, looks at the clock. */
  spend(steps = 1): void {
    this.steps += steps;
    if (this.steps < STEPS_BETWEEN_LOOKS) return;
    this.steps = 0;
    this.check();
  }

  /** Looks at the clock now (for work whose steps are too uneven to count). */
  check(): void {
    const now = performance.now();
    if (now > this.end) throw this.overdue(this.ms);
    if (now > this.sliceEnd) this.sliceOver = true;
  }

  nextSlice(): void {
    this.sliceEnd = performance.now() + this.sliceMs;
    this.sliceOver = false;
  }
}

/** Work that may pause where it yields (when its deadline's slice is over), then returns its answer. */
export type Work<T> = Generator<void, T, void>;

/** Does the work at once, pausing nowhere. */
export function finish<T>(work: Work<T>): T {
  for (;;) {
    const step = work.next();
    if (step.done) return step.value;
  }
}

/**
 * Does the work a slice at a time, letting the event loop run (other flows, other requests)
 * before and between slices. Once `signal` is aborted (the node closing), the work is abandoned at its next
 * pause: it goes no further, and the signal's reason is thrown.
 */
export async function finishInSlices<T>(work: Work<T>, deadline: WorkDeadline, signal?: AbortSignal): Promise<T> {
  try {
    for (;;) {
      // A pause first too: whatever came before the work (reading a large answer) had the loop already.
      await new Promise((resolve) => setImmediate(resolve));
      signal?.throwIfAborted();
      deadline.nextSlice();
      const step = work.next();
      if (step.done) return step.value;
    }
  } finally {
    // Runs the work's own `finally` blocks if it was abandoned; nothing if it ended.
    work.return(undefined as T);
  }
}
