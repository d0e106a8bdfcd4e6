import { HttpException } from '@nestjs/common';
import { FieldErrors } from '../oidc/clients/client-metadata.validator';

/** 400 {"error":"invalid_request","error_description":"...","fields":{...}} as ARCHITECTURE.md fixes it. */
export class FieldValidationError extends HttpException {
  constructor(fields: FieldErrors) {
    const names = Object.keys(fields);
    super({ error: 'invalid_request', error_description: `invalid ${names.join(', ')}`, fields }, 400);
  }
}

export class ConflictError extends HttpException {
  constructor(field: string, message: string) {
    super({ error: 'conflict', error_description: message, fields: { [field]: message } }, 409);
  }
}

export class NotFoundError extends HttpException {
  constructor(what: string) {
    super({ error: 'not_found', error_description: `${what} not found` }, 404);
  }
}

export function requireObject(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new FieldValidationError({ body: 'must be a JSON object' });
  }
  return body as Record<string, unknown>;
}
