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
