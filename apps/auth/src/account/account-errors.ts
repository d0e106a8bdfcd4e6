import { dtoProblems } from '../admin/dto/dto-problems';
import { HttpException } from '@nestjs/common';

/** JSON errors of /api/account/*, in the protocol's own shape ({"error", "error_description"}). */
export class AccountApiError extends HttpException {
  constructor(status: number, error: string, description: string, extra: Record<string, unknown> = {}) {
    super({ error, error_description: description, ...extra }, status);
  }
}

export const badRequest = (description: string, fields?: Record<string, string>) =>
  new AccountApiError(400, 'invalid_request', description, fields ? { fields } : {});
export const notFound = (what: string) => new AccountApiError(404, 'not_found', `${what} not found`);

/** "field: message" (the bus's invalid_input style) as a 400 naming the field. */
export function fieldError(message: string): AccountApiError {
  const [field, ...rest] = message.split(':');
  return badRequest(message, { [field.trim()]: rest.join(':').trim() || message });
}

/** The body as a JSON object, or 400. */
export function obj(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body) || Buffer.isBuffer(body)) throw badRequest('the body must be a JSON object');
  return body as Record<string, unknown>;
}

/** The body, validated by its DTO class (the one the OpenAPI document shows): 400 naming each field at fault. */
export function valid<T extends object>(type: new () => T, body: unknown, optional = false): T & Record<string, unknown> {
  const input = body === undefined && optional ? {} : obj(body);
  const fields = dtoProblems(type, input);
  const names = Object.keys(fields);
  if (names.length) throw badRequest(names.map((n) => `${n}: ${fields[n]}`).join('; '), fields);
  return input as T & Record<string, unknown>;
}
