import { InvalidRequest } from './errors/oauth.errors';

/**
 * Flattens request parameters to strings. RFC 6749 3.1/3.2: a parameter sent more than once is
 * invalid_request; parameters without a value are treated as omitted.
 */
export function singleValued(input: unknown): Record<string, string> {
  if (input === null || input === undefined) return {};
  if (typeof input !== 'object') throw new InvalidRequest('the request body must be application/x-www-form-urlencoded');
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(input as Record<string, unknown>)) {
    if (Array.isArray(value)) throw new InvalidRequest(`parameter ${key} is included more than once`);
    if (value === undefined || value === null || value === '') continue;
    if (typeof value !== 'string') throw new InvalidRequest(`parameter ${key} must be a string`);
    out[key] = value;
  }
  return out;
}
