/**
 * Every bus reply: a value, or a typed domain error. Never a thrown string. An error may carry
 * typed details the caller needs to answer well (seconds to wait, attempts left).
 */
export type BusReply<T, C extends string = never, D = never> =
  | { ok: true; value: T }
  | { ok: false; code: C; message: string; details?: D };

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const fail = <C extends string, D = never>(
  code: C,
  message: string,
  details?: D,
): { ok: false; code: C; message: string; details?: D } => ({
  ok: false,
  code,
  message,
  ...(details === undefined ? {} : { details }),
});
