/**
 * A refusal of the integrators' cabinet: the JSON API answers it as {"error", "error_description"}
 * with its status, the pages show the description. Metadata problems keep RFC 7591's codes
 * (invalid_redirect_uri, invalid_client_metadata), exactly as dynamic registration answers them.
 */
export class DevelopersError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

export const appNotFound = () => new DevelopersError(404, 'not_found', 'application not found');
export const invalidInput = (description: string) => new DevelopersError(400, 'invalid_request', description);

/** The rows of an UPDATE or DELETE ... RETURNING, which TypeORM answers as [rows, count]. */
export const changedRows = <T>(result: unknown): T[] => (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : []) as T[];
