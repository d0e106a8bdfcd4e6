import { InvalidRequest, RegistrationNotSupported, RequestNotSupported, RequestUriNotSupported } from '../../errors/oauth.errors';
import { AuthorizeContext } from '../authorize-context';

const PROMPTS = ['none', 'login', 'consent', 'select_account'];

/** `state` is echoed and must be at least 8 characters (Aitu's rule, a CSRF safeguard). */
export function checkState(ctx: AuthorizeContext): void {
  const state = ctx.params.state;
  if (state === undefined) return;
  if (state.length < 8) throw new InvalidRequest('state must be at least 8 characters');
  if (state.length > 2048) throw new InvalidRequest('state is too long');
  ctx.request.state = state;
}

export function checkNonce(ctx: AuthorizeContext): void {
  const nonce = ctx.params.nonce;
  if (nonce === undefined) return;
  if (nonce.length > 512) throw new InvalidRequest('nonce is too long');
  ctx.request.nonce = nonce;
}

export function checkPrompt(ctx: AuthorizeContext): void {
  const prompt = [...new Set((ctx.params.prompt ?? '').split(' ').filter(Boolean))];
  const unknown = prompt.filter((p) => !PROMPTS.includes(p));
  if (unknown.length) throw new InvalidRequest(`unsupported prompt value: ${unknown.join(' ')}`);
  if (prompt.includes('none') && prompt.length > 1) throw new InvalidRequest('prompt=none cannot be combined with other values');
  ctx.request.prompt = prompt;
}

export function checkMaxAge(ctx: AuthorizeContext): void {
  const raw = ctx.params.max_age;
  if (raw === undefined) return;
  if (!/^\d{1,9}$/.test(raw)) throw new InvalidRequest('max_age must be a non-negative integer');
  ctx.request.max_age = Number(raw);
}

/** Hints that shape the pages and the ID token; accepted as given (within sane lengths). */
export function checkHints(ctx: AuthorizeContext): void {
  const { ui_locales, login_hint, claims_locales, display, acr_values, phone } = ctx.params;
  // Only a pre-fill: what does not look like an international number is dropped rather than refused.
  if (phone !== undefined && /^\+\d{7,15}$/.test(phone)) ctx.request.phone = phone;
  if (ui_locales !== undefined) ctx.request.ui_locales = ui_locales.slice(0, 200);
  if (login_hint !== undefined) ctx.request.login_hint = login_hint.slice(0, 200);
  if (claims_locales !== undefined) ctx.request.claims_locales = claims_locales.slice(0, 200);
  if (acr_values !== undefined) ctx.request.acr_values = acr_values.slice(0, 500);
  if (display !== undefined) {
    if (!['page', 'popup', 'touch', 'wap'].includes(display)) throw new InvalidRequest('display must be page, popup, touch or wap');
    ctx.request.display = display;
  }
}

/** Request objects and registration are not supported (and discovery says so). */
export function checkUnsupported(ctx: AuthorizeContext): void {
  if (ctx.params.request !== undefined) throw new RequestNotSupported('request objects are not supported');
  if (ctx.params.request_uri !== undefined) throw new RequestUriNotSupported('request_uri is not supported');
  if (ctx.params.registration !== undefined) throw new RegistrationNotSupported('registration is not supported');
}
