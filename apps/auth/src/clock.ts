/** The current time of the auth app where a test must move it (secret grace periods, usage days). */
export abstract class AuthClock {
  abstract now(): Date;
}

export class SystemAuthClock extends AuthClock {
  /** Added to the real time; only tests change it. */
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** Moves this process's idea of now forward (tests of grace periods), never back. */
  advance(seconds: number): void {
    this.offsetMs += Math.max(0, seconds) * 1000;
  }
}
