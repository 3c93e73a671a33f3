// Long work on the event loop's thread (opening a large forum) cut into turns of a few
// milliseconds, with a whole loop passed between them, so that the process answers its other
// forums, their phones and its health checks meanwhile.

/**
 * The end of this turn of the event loop, and a whole one passed (its timers, its I/O) before the
 * next: one setImmediate from an I/O callback would run in the same loop's check phase, no I/O between.
 */
export const nextTurn = () => new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));

/** How long a turn may run before it lets the loop go round. */
export const TURN_MS = 15;

/** A budget of time per turn: the work asks `due()` as it goes and awaits `pass()` when it is. */
export class Turns {
  private began = performance.now();

  constructor(private readonly ms = TURN_MS) {}

  /** Whether this turn has had its time. */
  due(): boolean {
    return performance.now() - this.began > this.ms;
  }

  /** The loop goes round; the next turn's time starts when it is back. */
  async pass(): Promise<void> {
    await nextTurn();
    this.began = performance.now();
  }

  /** A pass if this turn has had its time. */
  async check(): Promise<void> {
    if (this.due()) await this.pass();
  }

  /** Runs a generator (one that yields between parts of its work) to its end, a pass whenever due. */
  async drive<T>(parts: Generator<void, T, void>): Promise<T> {
    for (;;) {
      const step = parts.next();
      if (step.done) return step.value;
      if (this.due()) await this.pass();
    }
  }
}
