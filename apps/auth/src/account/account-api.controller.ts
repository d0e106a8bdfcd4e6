import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BusClient } from '@idp/bus';
import { AccountSubjects, PHOTO_MAX_BYTES, UserLoginMethod } from '@idp/contracts';
import { pickLocale } from '../interaction/i18n';
import { AccountActionsService } from './account-actions.service';
import { AccountCallerService, Caller } from './account-caller.service';
import { AccountApiError, badRequest, fieldError, notFound } from './account-errors';
import { CabinetErrorCode, RECENT_SIGN_IN_SECONDS } from './account-outcomes';
import { AccountSessionsService } from './account-sessions.service';
import { photoHeaders } from './account-pages.controller';

type Json = Record<string, unknown>;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const obj = (body: unknown): Json => {
  if (!body || typeof body !== 'object' || Array.isArray(body) || Buffer.isBuffer(body)) throw badRequest('the body must be a JSON object');
  return body as Json;
};
const text = (body: Json, name: string, required = true): string | undefined => {
  const v = body[name];
  if (v === undefined && !required) return undefined;
  if (typeof v !== 'string') throw badRequest(`${name}: must be a string`, { [name]: 'must be a string' });
  return v;
};

/** Bus error codes of the cabinet as HTTP answers (checked whole by the compiler). */
const STATUS = {
  not_found: [404, 'not_found'],
  invalid_input: [400, 'invalid_request'],
  login_taken: [409, 'conflict'],
  none_left: [409, 'conflict'],
  unusable: [400, 'invalid_request'],
  invalid_credentials: [403, 'invalid_credentials'],
  taken: [409, 'conflict'],
  already_added: [409, 'conflict'],
  limit: [409, 'conflict'],
  unverified: [400, 'invalid_request'],
  invalid_destination: [400, 'invalid_request'],
  resend_too_soon: [429, 'too_many_requests'],
  too_many_requests: [429, 'too_many_requests'],
  wrong_code: [400, 'invalid_code'],
  attempts_exhausted: [400, 'invalid_code'],
  expired: [400, 'invalid_code'],
  locked: [403, 'access_denied'],
  method_disabled: [403, 'access_denied'],
  last_method: [409, 'conflict'],
  too_large: [413, 'too_large'],
  unsupported_type: [415, 'unsupported_media_type'],
} as const satisfies Record<CabinetErrorCode, readonly [number, string]>;

function refused(reply: { ok: false; code: CabinetErrorCode; message: string; details?: unknown }): AccountApiError {
  if (reply.code === 'invalid_input') return fieldError(reply.message);
  const [status, error] = STATUS[reply.code];
  return new AccountApiError(status, error, reply.message, reply.details && typeof reply.details === 'object' ? (reply.details as Json) : {});
}

/**
 * The cabinet as JSON at /api/account: for the signed-in browser (SSO session cookie, and the
 * X-CSRF-Token header on every change; GET /api/account gives the token) or for a client holding an
 * access token with the `account` scope. Errors are {"error", "error_description"}.
 */
@Controller('api/account')
export class AccountApiController {
  constructor(
    private readonly callers: AccountCallerService,
    private readonly actions: AccountActionsService,
    private readonly sessions: AccountSessionsService,
    private readonly bus: BusClient,
  ) {}

  @Get()
  async get(@Req() req: FastifyRequest) {
    const caller = await this.callers.api(req);
    const account = await this.bus.request(AccountSubjects.accountGet, { sub: caller.sub });
    if (!account.ok) throw refused(account);
    return { ...account.value, ...(caller.via === 'session' ? { csrf_token: caller.csrf } : {}) };
  }

  @Patch('profile')
  async profile(@Req() req: FastifyRequest, @Body() body: unknown) {
    const caller = await this.callers.api(req);
    const input = obj(body);
    const fields = ['given_name', 'family_name', 'middle_name', 'nickname', 'birthdate', 'locale'] as const;
    const values = Object.fromEntries(fields.filter((f) => input[f] !== undefined).map((f) => [f, text(input, f)]));
    const saved = await this.bus.request(AccountSubjects.accountUpdate, { sub: caller.sub, ...values, context: this.callers.context(req, caller) });
    if (!saved.ok) throw refused(saved);
    return saved.value;
  }

  @Put('login')
  async login(@Req() req: FastifyRequest, @Body() body: unknown) {
    const caller = await this.callers.api(req);
    const changed = await this.bus.request(AccountSubjects.loginChange, { sub: caller.sub, login: text(obj(body), 'login')!, context: this.callers.context(req, caller) });
    if (!changed.ok) throw refused(changed);
    return changed.value;
  }

  /** The raw picture as the body: Content-Type image/jpeg, image/png or image/webp, at most 1 MB. */
  @Put('photo')
  async putPhoto(@Req() req: FastifyRequest) {
    const caller = await this.callers.api(req);
    const body = req.body;
    if (!Buffer.isBuffer(body) || !body.length) throw new AccountApiError(415, 'unsupported_media_type', 'send the picture as the body with Content-Type image/jpeg, image/png or image/webp');
    if (body.length > PHOTO_MAX_BYTES) throw new AccountApiError(413, 'too_large', `a photo is at most ${PHOTO_MAX_BYTES} bytes`);
    const stored = await this.actions.uploadPhoto(caller.sub, body, this.callers.context(req, caller));
    if (!stored.ok) throw refused(stored);
    return (await this.bus.value(AccountSubjects.accountGet, { sub: caller.sub }));
  }

  @Get('photo')
  async getPhoto(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const caller = await this.callers.api(req);
    const photo = await this.actions.photo(caller.sub);
    if (!photo) throw notFound('photo');
    void reply.headers(photoHeaders(photo.contentType, 'private, no-cache')).send(photo.data);
  }

  @Delete('photo')
  async deletePhoto(@Req() req: FastifyRequest) {
    const caller = await this.callers.api(req);
    const removed = await this.bus.request(AccountSubjects.photoDelete, { sub: caller.sub, context: this.callers.context(req, caller) });
    if (!removed.ok) throw refused(removed);
    return removed.value;
  }

  /** Sends a code to a phone or address to add: {"channel": "sms"|"email", "destination": "..."}. */
  @Post('identifiers')
  async addIdentifier(@Req() req: FastifyRequest, @Body() body: unknown) {
    const caller = await this.callers.api(req);
    const input = obj(body);
    const channel = text(input, 'channel');
    if (channel !== 'sms' && channel !== 'email') throw badRequest('channel: sms or email', { channel: 'sms or email' });
    const locale = pickLocale(undefined, req.headers['accept-language']);
    const sent = await this.bus.request(AccountSubjects.identifierAdd, { sub: caller.sub, channel, destination: text(input, 'destination')!, ip: req.ip, locale, context: this.callers.context(req, caller) });
    if (!sent.ok) throw refused(sent);
    return { challenge_id: sent.value.challengeId, channel: sent.value.channel, destination: sent.value.destination, expires_in: sent.value.expiresIn, resend_in: sent.value.resendIn };
  }

  @Post('identifiers/confirm')
  @HttpCode(200)
  async confirmIdentifier(@Req() req: FastifyRequest, @Body() body: unknown) {
    const caller = await this.callers.api(req);
    const input = obj(body);
    const confirmed = await this.bus.request(AccountSubjects.identifierConfirm, { sub: caller.sub, challengeId: text(input, 'challenge_id')!, code: text(input, 'code')!, context: this.callers.context(req, caller) });
    if (!confirmed.ok) throw refused(confirmed);
    return confirmed.value;
  }

  /** Every phone and e-mail of the account: {"identifiers": [{"id", "type", "value", "verified", "primary", "created_at"}]}. */
  @Get('identifiers')
  async identifiers(@Req() req: FastifyRequest) {
    const caller = await this.callers.api(req);
    const listed = await this.bus.request(AccountSubjects.identifiersList, { sub: caller.sub });
    if (!listed.ok) throw refused(listed);
    return listed.value;
  }

  /** An identifier's id, or `phone` / `email` for the primary one of that kind. */
  @Delete('identifiers/:ref')
  async removeIdentifier(@Req() req: FastifyRequest, @Param('ref') ref: string) {
    const caller = await this.callers.api(req);
    const context = this.callers.context(req, caller);
    const removed =
      ref === 'phone' || ref === 'email'
        ? await this.bus.request(AccountSubjects.identifierRemove, { sub: caller.sub, channel: ref === 'phone' ? 'sms' : 'email', context })
        : UUID.test(ref)
          ? await this.bus.request(AccountSubjects.identifiersRemove, { sub: caller.sub, id: ref, context })
          : null;
    if (!removed) throw notFound('identifier');
    if (!removed.ok) throw refused(removed);
    return removed.value;
  }

  /** Makes this verified phone or e-mail the primary one of its kind (the phone_number / email claims). */
  @Put('identifiers/:id/primary')
  async primaryIdentifier(@Req() req: FastifyRequest, @Param('id') id: string) {
    const caller = await this.callers.api(req);
    if (!UUID.test(id)) throw notFound('identifier');
    const set = await this.bus.request(AccountSubjects.identifiersPrimary, { sub: caller.sub, id, context: this.callers.context(req, caller) });
    if (!set.ok) throw refused(set);
    return set.value;
  }

  /** {"primary": "phone"|"email"} */
  @Put('identifiers/primary')
  async primary(@Req() req: FastifyRequest, @Body() body: unknown) {
    const caller = await this.callers.api(req);
    const primary = text(obj(body), 'primary');
    if (primary !== 'phone' && primary !== 'email') throw badRequest('primary: phone or email', { primary: 'phone or email' });
    const set = await this.bus.request(AccountSubjects.identifierPrimary, { sub: caller.sub, channel: primary === 'phone' ? 'sms' : 'email', context: this.callers.context(req, caller) });
    if (!set.ok) throw refused(set);
    return set.value;
  }

  /** {"methods": ["password", "phone_otp", "email_otp"]}: the ones to keep on. */
  @Put('login-methods')
  async methods(@Req() req: FastifyRequest, @Body() body: unknown) {
    const caller = await this.callers.api(req);
    const methods = obj(body).methods;
    if (!Array.isArray(methods) || methods.some((m) => typeof m !== 'string')) throw badRequest('methods: an array of password, phone_otp, email_otp', { methods: 'an array of password, phone_otp, email_otp' });
    const set = await this.bus.request(AccountSubjects.methodsSet, { sub: caller.sub, methods: methods as UserLoginMethod[], context: this.callers.context(req, caller) });
    if (!set.ok) throw refused(set);
    return set.value;
  }

  /** {"current_password", "new_password", "end_other_sessions": true|false} */
  @Post('password')
  @HttpCode(200)
  async password(@Req() req: FastifyRequest, @Body() body: unknown) {
    const caller = await this.callers.api(req);
    const input = obj(body);
    const context = this.callers.context(req, caller);
    const changed = await this.bus.request(AccountSubjects.passwordChange, { sub: caller.sub, current: text(input, 'current_password', false), password: text(input, 'new_password')!, context });
    if (!changed.ok) throw refused(changed);
    const ended = input.end_other_sessions === true ? await this.actions.endOtherSessions(caller.sub, caller.via === 'session' ? caller.session.id : null, context) : 0;
    return { password_updated_at: changed.value.password_updated_at, sessions_ended: ended };
  }

  @Get('sessions')
  async listSessions(@Req() req: FastifyRequest) {
    const caller = await this.callers.api(req);
    return this.sessions.list(caller.sub, caller.via === 'session' ? caller.session.id : undefined);
  }

  @Delete('sessions/:id')
  @HttpCode(204)
  async endSession(@Req() req: FastifyRequest, @Param('id') id: string) {
    const caller = await this.callers.api(req);
    if (!(await this.actions.endSession(caller.sub, id, this.callers.context(req, caller)))) throw notFound('session');
  }

  @Post('sessions/end-others')
  @HttpCode(200)
  async endOthers(@Req() req: FastifyRequest) {
    const caller = await this.callers.api(req);
    return { sessions_ended: await this.actions.endOtherSessions(caller.sub, caller.via === 'session' ? caller.session.id : null, this.callers.context(req, caller)) };
  }

  @Get('apps')
  async apps(@Req() req: FastifyRequest) {
    const caller = await this.callers.api(req);
    return this.actions.apps(caller.sub);
  }

  @Delete('apps/:clientId')
  @HttpCode(204)
  async revokeApp(@Req() req: FastifyRequest, @Param('clientId') clientId: string) {
    const caller = await this.callers.api(req);
    if (!(await this.actions.revokeApp(caller.sub, clientId, this.callers.context(req, caller)))) throw notFound('consent');
  }

  @Get('audit')
  async audit(@Req() req: FastifyRequest, @Query('limit') limit?: string) {
    const caller = await this.callers.api(req);
    return this.bus.value(AccountSubjects.auditList, { sub: caller.sub, limit: Number(limit) || 50 });
  }

  /** {"password": "..."} (re-authentication); an account without a password needs a recent sign-in. */
  @Post('delete')
  @HttpCode(200)
  async delete(@Req() req: FastifyRequest, @Body() body: unknown) {
    const caller = await this.callers.api(req);
    const input = body === undefined ? {} : obj(body);
    const account = await this.bus.value(AccountSubjects.accountGet, { sub: caller.sub });
    if (!account.has_password && !this.recent(caller)) throw new AccountApiError(403, 'login_required', 'sign in again: deleting an account without a password needs a sign-in within the last 10 minutes');
    const deleted = await this.bus.request(AccountSubjects.accountDelete, { sub: caller.sub, password: text(input, 'password', false), context: this.callers.context(req, caller) });
    if (!deleted.ok) throw refused(deleted);
    const ended = await this.actions.endEverything(caller.sub, 'account deleted');
    return { deleted: true, sessions_ended: ended.sessions, grants_revoked: ended.grants };
  }

  private recent(caller: Caller): boolean {
    return caller.via === 'session' && Date.now() - caller.session.authTime.getTime() <= RECENT_SIGN_IN_SECONDS * 1000;
  }
}
