import { HttpException } from '@nestjs/common';

/** A failure the administrator can act on: printed as one line, exit code 1. */
export class CliError extends Error {}

/**
 * One line for any failure of a command: the admin API's error body
 * (`{"error","error_description","fields"}`) becomes `invalid_request: field: problem; ...`.
 */
export function describeError(err: unknown): string {
  if (err instanceof HttpException) {
    const body = err.getResponse() as { error?: string; error_description?: string; fields?: Record<string, string> } | string;
    if (typeof body === 'string') return body;
    const fields = body.fields ? Object.entries(body.fields).map(([k, v]) => `${k}: ${v}`).join('; ') : '';
    return `${body.error ?? 'error'}: ${fields || body.error_description || err.message}`;
  }
  if (err instanceof Error) return err.message.split('\n')[0];
  return String(err);
}
