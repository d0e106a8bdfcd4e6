import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { FieldErrors } from '../../oidc/clients/client-metadata.validator';
import { FieldValidationError, requireObject } from '../admin-errors';

/**
 * Validates a JSON body against its DTO class (the same class the OpenAPI document describes)
 * and answers the admin API's `fields`: one message per field at fault.
 */
export function dtoProblems<T extends object>(type: new () => T, input: Record<string, unknown>): FieldErrors {
  const errors = validateSync(plainToInstance(type, input), { forbidUnknownValues: false });
  return Object.fromEntries(errors.map((e) => [e.property, Object.values(e.constraints ?? {})[0] ?? 'is invalid']));
}

/** A JSON object body that its DTO class accepts, or the admin API's 400 naming each field at fault. */
export function validBody<T extends object>(type: new () => T, body: unknown): T & Record<string, unknown> {
  const input = requireObject(body);
  const errors = dtoProblems(type, input);
  if (Object.keys(errors).length) throw new FieldValidationError(errors);
  return input as T & Record<string, unknown>;
}
