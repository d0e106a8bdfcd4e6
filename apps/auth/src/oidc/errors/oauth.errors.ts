/**
 * OAuth 2.0 / OpenID Connect errors: each knows its `error` code and HTTP status; one filter turns
 * them into the exact RFC body, and the authorization endpoint into a redirect.
 */
export abstract class OAuthError extends Error {
  abstract readonly error: string;
  readonly status: number = 400;
  /** Extra response headers (WWW-Authenticate, Retry-After). */
  headers: Record<string, string> = {};

  constructor(readonly description: string) {
    super(description);
  }

  body(): Record<string, string> {
    return { error: this.error, error_description: this.description };
  }
}

export class InvalidRequest extends OAuthError {
  readonly error = 'invalid_request';
}
export class InvalidClient extends OAuthError {
  readonly error = 'invalid_client';
  readonly status = 401;
}
export class InvalidGrant extends OAuthError {
  readonly error = 'invalid_grant';
}
export class UnauthorizedClient extends OAuthError {
  readonly error = 'unauthorized_client';
}
export class UnsupportedGrantType extends OAuthError {
  readonly error = 'unsupported_grant_type';
}
export class UnsupportedResponseType extends OAuthError {
  readonly error = 'unsupported_response_type';
}
export class InvalidScope extends OAuthError {
  readonly error = 'invalid_scope';
}
export class AccessDenied extends OAuthError {
  readonly error = 'access_denied';
}
export class LoginRequired extends OAuthError {
  readonly error = 'login_required';
}
export class ConsentRequired extends OAuthError {
  readonly error = 'consent_required';
}
export class InteractionRequired extends OAuthError {
  readonly error = 'interaction_required';
}
/** RFC 7009 2.2.1: the token is one of ours, but not of a kind that can be revoked. */
export class UnsupportedTokenType extends OAuthError {
  readonly error = 'unsupported_token_type';
}
export class InvalidToken extends OAuthError {
  readonly error = 'invalid_token';
  readonly status = 401;
  constructor(description: string) {
    super(description);
    this.headers['WWW-Authenticate'] = `Bearer error="invalid_token", error_description="${description.replace(/["\\]/g, '')}"`;
  }
}
export class TemporarilyUnavailable extends OAuthError {
  readonly error = 'temporarily_unavailable';
  readonly status = 503;
  constructor(description = 'a service this request needs is not answering; try again shortly') {
    super(description);
    this.headers['Retry-After'] = '5';
  }
}
export class ServerError extends OAuthError {
  readonly error = 'server_error';
  readonly status = 500;
}

/** Errors of the authorization endpoint that must not redirect: the redirect target is not trusted. */
export class InvalidRedirectTarget extends Error {
  constructor(readonly description: string) {
    super(description);
  }
}
export class RequestNotSupported extends OAuthError {
  readonly error = 'request_not_supported';
}
export class RequestUriNotSupported extends OAuthError {
  readonly error = 'request_uri_not_supported';
}
export class RegistrationNotSupported extends OAuthError {
  readonly error = 'registration_not_supported';
}
export class InvalidTarget extends OAuthError {
  readonly error = 'invalid_target';
}
/** RFC 8628 3.5: the device flow's polling answers. */
export class AuthorizationPending extends OAuthError {
  readonly error = 'authorization_pending';
}
export class SlowDown extends OAuthError {
  readonly error = 'slow_down';
}
export class ExpiredToken extends OAuthError {
  readonly error = 'expired_token';
}
/** RFC 7591 3.2.2: dynamic registration refuses a redirect URI, or any other metadata value. */
export class InvalidRedirectUri extends OAuthError {
  readonly error = 'invalid_redirect_uri';
}
export class InvalidClientMetadata extends OAuthError {
  readonly error = 'invalid_client_metadata';
}
/** A built-in rate limit: 429 with `Retry-After`, and `slow_down` (RFC 8628's "poll less often") as the code. */
export class TooManyRequests extends OAuthError {
  readonly error = 'slow_down';
  readonly status = 429;
  constructor(description: string, retryAfter: number) {
    super(description);
    this.headers['Retry-After'] = String(retryAfter);
  }
}
