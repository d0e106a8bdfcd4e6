import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { FieldErrors } from '../../oidc/clients/client-metadata.validator';

/**
 * Validates a JSON body against its DTO class (the same class the OpenAPI document describes)
 * and answers the admin API's `fields`: one message per field at fault.
 */
export function dtoProblems<T extends object>(type: new () => T, input: Record<string, unknown>): FieldErrors {
  const errors = validateSync(plainToInstance(type, input), { forbidUnknownValues: false });
  return Object.fromEntries(errors.map((e) => [e.property, Object.values(e.constraints ?? {})[0] ?? 'is invalid']));
}
