/** The current time, injected so tests move it instead of sleeping. */
export abstract class ConsentClock {
  abstract now(): Date;
}

export class SystemConsentClock extends ConsentClock {
  /** Added to the real time; only tests change it. */
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** Moves this process's idea of now forward (tests of minute-long throttles and 60-minute secrets). */
  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }
}
