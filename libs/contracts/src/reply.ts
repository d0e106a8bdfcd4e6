/** Every bus reply: a value, or a typed domain error. Never a thrown string. */
export type BusReply<T, C extends string = never> =
  | { ok: true; value: T }
  | { ok: false; code: C; message: string };

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const fail = <C extends string>(code: C, message: string): { ok: false; code: C; message: string } => ({
  ok: false,
  code,
  message,
});
