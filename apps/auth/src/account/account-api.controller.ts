import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse, ApiBearerAuth, ApiBody, ApiConflictResponse, ApiConsumes, ApiCookieAuth, ApiForbiddenResponse, ApiHeader, ApiNoContentResponse,
  ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse,
  ApiPayloadTooLargeResponse, ApiUnsupportedMediaTypeResponse, ApiCreatedResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BusClient } from '@idp/bus';
import { AccountSubjects, PHOTO_MAX_BYTES, UserLoginMethod } from '@idp/contracts';
import { pickLocale } from '../interaction/i18n';
import { AccountActionsService } from './account-actions.service';
import { AccountCallerService, Caller } from './account-caller.service';
import { AccountApiError, badRequest, fieldError, notFound, obj, valid } from './account-errors';
import { CabinetErrorCode, RECENT_SIGN_IN_SECONDS } from './account-outcomes';
import { AccountSessionsService } from './account-sessions.service';
import { photoHeaders } from './account-pages.controller';
import { ApiErrorDto } from '../admin/dto/errors.dto';
import {
  AccountDeletedDto, AccountSessionDto, AccountViewDto, AddIdentifierDto, AuditEventDto, ChangeLoginDto, ChangePasswordDto, CodeSentDto, ConfirmIdentifierDto,
  ConnectedAppDto, DeleteAccountDto, LoginMethodsDto, PasswordChangedDto, PrimaryIdentifierDto, SessionsEndedDto, UpdateProfileDto,
} from './dto/account-api.dto';

type Json = Record<string, unknown>;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
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
@ApiTags('account')
@ApiCookieAuth('sso_session')
@ApiBearerAuth('access_token')
@ApiHeader({ name: 'X-CSRF-Token', required: false, description: 'with the SSO session cookie, required on every change: the csrf_token of GET /api/account' })
@ApiUnauthorizedResponse({ type: ApiErrorDto, description: 'not signed in (login_required), or the access token is invalid (invalid_token)' })
@ApiForbiddenResponse({ type: ApiErrorDto, description: 'the X-CSRF-Token header is missing or wrong, or the access token lacks the account scope (insufficient_scope)' })
@Controller('api/account')
export class AccountApiController {
  constructor(
    private readonly callers: AccountCallerService,
    private readonly actions: AccountActionsService,
    private readonly sessions: AccountSessionsService,
    private readonly bus: BusClient,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The account' })
  @ApiOkResponse({ type: AccountViewDto })
  async get(@Req() req: FastifyRequest) {
    const caller = await this.callers.api(req);
    const account = await this.bus.request(AccountSubjects.accountGet, { sub: caller.sub });
    if (!account.ok) throw refused(account);
    return { ...account.value, ...(caller.via === 'session' ? { csrf_token: caller.csrf } : {}) };
  }

  @Patch('profile')
  @ApiOperation({ summary: 'Change profile fields (a saved locale also changes the language of the open sessions at once)' })
  @ApiBody({ type: UpdateProfileDto })
  @ApiOkResponse({ type: AccountViewDto })
  @ApiBadRequestResponse({ type: ApiErrorDto })
  async profile(@Req() req: FastifyRequest, @Body() body: unknown) {
    const caller = await this.callers.api(req);
    const input = valid(UpdateProfileDto, body);
    const fields = ['given_name', 'family_name', 'middle_name', 'nickname', 'birthdate', 'locale'] as const;
    const values = Object.fromEntries(fields.filter((f) => input[f] !== undefined).map((f) => [f, input[f]]));
    const saved = await this.bus.request(AccountSubjects.accountUpdate, { sub: caller.sub, ...values, context: this.callers.context(req, caller) });
    if (!saved.ok) throw refused(saved);
    await this.callers.profileSaved(saved.value);
    return saved.value;
  }

  @Put('login')
  @ApiOperation({ summary: 'Change the login name' })
  @ApiBody({ type: ChangeLoginDto })
  @ApiOkResponse({ type: AccountViewDto })
  @ApiBadRequestResponse({ type: ApiErrorDto })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'the login is taken' })
  async login(@Req() req: FastifyRequest, @Body() body: unknown) {
    const caller = await this.callers.api(req);
    const changed = await this.bus.request(AccountSubjects.loginChange, { sub: caller.sub, login: valid(ChangeLoginDto, body).login, context: this.callers.context(req, caller) });
    if (!changed.ok) throw refused(changed);
    return changed.value;
  }

  /** The raw picture as the body: Content-Type image/jpeg, image/png or image/webp, at most 1 MB. */
  @Put('photo')
  @ApiOperation({ summary: 'Upload the photo: the picture itself as the body' })
  @ApiConsumes('image/jpeg', 'image/png', 'image/webp')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiOkResponse({ type: AccountViewDto })
  @ApiPayloadTooLargeResponse({ type: ApiErrorDto, description: 'more than 1 MB' })
  @ApiUnsupportedMediaTypeResponse({ type: ApiErrorDto, description: 'not a JPEG, PNG or WebP picture' })
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
  @ApiOperation({ summary: 'The photo' })
  @ApiProduces('image/jpeg', 'image/png', 'image/webp')
  @ApiOkResponse({ description: 'the picture, with its own Content-Type', schema: { type: 'string', format: 'binary' } })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'no photo' })
  async getPhoto(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const caller = await this.callers.api(req);
    const photo = await this.actions.photo(caller.sub);
    if (!photo) throw notFound('photo');
    void reply.headers(photoHeaders(photo.contentType, 'private, no-cache')).send(photo.data);
  }

  @Delete('photo')
  @ApiOperation({ summary: 'Remove the photo' })
  @ApiOkResponse({ type: AccountViewDto })
  async deletePhoto(@Req() req: FastifyRequest) {
    const caller = await this.callers.api(req);
    const removed = await this.bus.request(AccountSubjects.photoDelete, { sub: caller.sub, context: this.callers.context(req, caller) });
    if (!removed.ok) throw refused(removed);
    return removed.value;
  }

  /** Sends a code to a phone or address to add: {"channel": "sms"|"email", "destination": "..."}. */
  @Post('identifiers')
  @ApiOperation({ summary: 'Send a code to a phone or e-mail address to add' })
  @ApiBody({ type: AddIdentifierDto })
  @ApiCreatedResponse({ type: CodeSentDto })
  @ApiBadRequestResponse({ type: ApiErrorDto })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'another account has it verified' })
  @ApiTooManyRequestsResponse({ type: ApiErrorDto, description: 'a code was sent moments ago, or too many were' })
  async addIdentifier(@Req() req: FastifyRequest, @Body() body: unknown) {
    const caller = await this.callers.api(req);
    const { channel, destination } = valid(AddIdentifierDto, body);
    const locale = pickLocale(undefined, req.headers['accept-language'], caller.via === 'session' ? caller.session.locale : null);
    const sent = await this.bus.request(AccountSubjects.identifierAdd, { sub: caller.sub, channel, destination, ip: req.ip, locale, context: this.callers.context(req, caller) });
    if (!sent.ok) throw refused(sent);
    return { challenge_id: sent.value.challengeId, channel: sent.value.channel, destination: sent.value.destination, expires_in: sent.value.expiresIn, resend_in: sent.value.resendIn };
  }

  @Post('identifiers/confirm')
  @HttpCode(200)
  @ApiOperation({ summary: 'Confirm the code: the phone or address is added, verified' })
  @ApiBody({ type: ConfirmIdentifierDto })
  @ApiOkResponse({ type: AccountViewDto })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'invalid_code: wrong, expired or used up' })
  @ApiConflictResponse({ type: ApiErrorDto })
  async confirmIdentifier(@Req() req: FastifyRequest, @Body() body: unknown) {
    const caller = await this.callers.api(req);
    const input = valid(ConfirmIdentifierDto, body);
    const confirmed = await this.bus.request(AccountSubjects.identifierConfirm, { sub: caller.sub, challengeId: input.challenge_id, code: input.code, context: this.callers.context(req, caller) });
    if (!confirmed.ok) throw refused(confirmed);
    return confirmed.value;
  }

  /** Every phone and e-mail of the account: {"identifiers": [{"id", "type", "value", "verified", "primary", "created_at"}]}. */
  @Get('identifiers')
  @ApiOperation({ summary: 'List every phone and e-mail address of the account' })
  @ApiOkResponse({ description: '{"identifiers": [{"id", "type", "value", "verified", "primary", "created_at"}]}' })
  async identifiers(@Req() req: FastifyRequest) {
    const caller = await this.callers.api(req);
    const listed = await this.bus.request(AccountSubjects.identifiersList, { sub: caller.sub });
    if (!listed.ok) throw refused(listed);
    return listed.value;
  }

  /** An identifier's id, or `phone` / `email` for the primary one of that kind. */
  @Delete('identifiers/:ref')
  @ApiOperation({ summary: 'Remove a phone or e-mail address (its id, or `phone` / `email` for the primary one)' })
  @ApiParam({ name: 'ref', description: 'identifier id, or phone / email' })
  @ApiOkResponse({ type: AccountViewDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'it is the last way to sign in' })
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
  @ApiOperation({ summary: 'Make a verified phone or e-mail address the primary one of its kind' })
  @ApiParam({ name: 'id', description: 'identifier id' })
  @ApiOkResponse({ type: AccountViewDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'the identifier is not verified' })
  async primaryIdentifier(@Req() req: FastifyRequest, @Param('id') id: string) {
    const caller = await this.callers.api(req);
    if (!UUID.test(id)) throw notFound('identifier');
    const set = await this.bus.request(AccountSubjects.identifiersPrimary, { sub: caller.sub, id, context: this.callers.context(req, caller) });
    if (!set.ok) throw refused(set);
    return set.value;
  }

  /** {"primary": "phone"|"email"} */
  @Put('identifiers/primary')
  @ApiOperation({ summary: 'Choose the main contact' })
  @ApiBody({ type: PrimaryIdentifierDto })
  @ApiOkResponse({ type: AccountViewDto })
  @ApiBadRequestResponse({ type: ApiErrorDto })
  async primary(@Req() req: FastifyRequest, @Body() body: unknown) {
    const caller = await this.callers.api(req);
    const { primary } = valid(PrimaryIdentifierDto, body);
    const set = await this.bus.request(AccountSubjects.identifierPrimary, { sub: caller.sub, channel: primary === 'phone' ? 'sms' : 'email', context: this.callers.context(req, caller) });
    if (!set.ok) throw refused(set);
    return set.value;
  }

  /** {"methods": ["password", "phone_otp", "email_otp"]}: the ones to keep on. */
  @Put('login-methods')
  @ApiOperation({ summary: 'Choose the sign-in methods to keep on' })
  @ApiBody({ type: LoginMethodsDto })
  @ApiOkResponse({ type: AccountViewDto })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'not an array of methods, or a method the account cannot use' })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'none would be left on' })
  async methods(@Req() req: FastifyRequest, @Body() body: unknown) {
    const caller = await this.callers.api(req);
    const { methods } = valid(LoginMethodsDto, body);
    const set = await this.bus.request(AccountSubjects.methodsSet, { sub: caller.sub, methods: methods as UserLoginMethod[], context: this.callers.context(req, caller) });
    if (!set.ok) throw refused(set);
    return set.value;
  }

  /** {"current_password", "new_password", "end_other_sessions": true|false} */
  @Post('password')
  @HttpCode(200)
  @ApiOperation({ summary: 'Change the password' })
  @ApiBody({ type: ChangePasswordDto })
  @ApiOkResponse({ type: PasswordChangedDto })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'the new password breaks a rule' })
  async password(@Req() req: FastifyRequest, @Body() body: unknown) {
    const caller = await this.callers.api(req);
    const input = valid(ChangePasswordDto, body);
    const context = this.callers.context(req, caller);
    const changed = await this.bus.request(AccountSubjects.passwordChange, { sub: caller.sub, current: input.current_password, password: input.new_password, context });
    if (!changed.ok) throw refused(changed);
    const ended = input.end_other_sessions === true ? await this.actions.endOtherSessions(caller.sub, caller.via === 'session' ? caller.session.id : null, context) : 0;
    return { password_updated_at: changed.value.password_updated_at, sessions_ended: ended };
  }

  @Get('sessions')
  @ApiOperation({ summary: 'The live sessions' })
  @ApiOkResponse({ type: [AccountSessionDto] })
  async listSessions(@Req() req: FastifyRequest) {
    const caller = await this.callers.api(req);
    return this.sessions.list(caller.sub, caller.via === 'session' ? caller.session.id : undefined);
  }

  @Delete('sessions/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'End one session (its grants are revoked, its clients get back-channel logout)' })
  @ApiNoContentResponse({ description: 'ended' })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async endSession(@Req() req: FastifyRequest, @Param('id') id: string) {
    const caller = await this.callers.api(req);
    if (!(await this.actions.endSession(caller.sub, id, this.callers.context(req, caller)))) throw notFound('session');
  }

  @Post('sessions/end-others')
  @HttpCode(200)
  @ApiOperation({ summary: 'End every other session' })
  @ApiOkResponse({ type: SessionsEndedDto })
  async endOthers(@Req() req: FastifyRequest) {
    const caller = await this.callers.api(req);
    return { sessions_ended: await this.actions.endOtherSessions(caller.sub, caller.via === 'session' ? caller.session.id : null, this.callers.context(req, caller)) };
  }

  @Get('apps')
  @ApiOperation({ summary: 'The connected applications (consents)' })
  @ApiOkResponse({ type: [ConnectedAppDto] })
  async apps(@Req() req: FastifyRequest) {
    const caller = await this.callers.api(req);
    return this.actions.apps(caller.sub);
  }

  @Delete('apps/:clientId')
  @HttpCode(204)
  @ApiOperation({ summary: "Revoke an application's consent and its grants" })
  @ApiNoContentResponse({ description: 'revoked' })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async revokeApp(@Req() req: FastifyRequest, @Param('clientId') clientId: string) {
    const caller = await this.callers.api(req);
    if (!(await this.actions.revokeApp(caller.sub, clientId, this.callers.context(req, caller)))) throw notFound('consent');
  }

  @Get('audit')
  @ApiOperation({ summary: 'Recent security events, newest first' })
  @ApiQuery({ name: 'limit', required: false, description: 'at most this many (50 by default)' })
  @ApiOkResponse({ type: [AuditEventDto] })
  async audit(@Req() req: FastifyRequest, @Query('limit') limit?: string) {
    const caller = await this.callers.api(req);
    return this.bus.value(AccountSubjects.auditList, { sub: caller.sub, limit: Number(limit) || 50 });
  }

  /** {"password": "..."} (re-authentication); an account without a password needs a recent sign-in. */
  @Post('delete')
  @HttpCode(200)
  @ApiOperation({ summary: 'Delete the account (ends every session, revokes every grant)' })
  @ApiBody({ type: DeleteAccountDto, required: false })
  @ApiOkResponse({ type: AccountDeletedDto })
  @ApiBadRequestResponse({ type: ApiErrorDto })
  async delete(@Req() req: FastifyRequest, @Body() body: unknown) {
    const caller = await this.callers.api(req);
    const input = valid(DeleteAccountDto, body, true);
    const account = await this.bus.value(AccountSubjects.accountGet, { sub: caller.sub });
    if (!account.has_password && !this.recent(caller)) throw new AccountApiError(403, 'login_required', 'sign in again: deleting an account without a password needs a sign-in within the last 10 minutes');
    const deleted = await this.bus.request(AccountSubjects.accountDelete, { sub: caller.sub, password: input.password, context: this.callers.context(req, caller) });
    if (!deleted.ok) throw refused(deleted);
    const ended = await this.actions.endEverything(caller.sub, 'account deleted');
    return { deleted: true, sessions_ended: ended.sessions, grants_revoked: ended.grants };
  }

  private recent(caller: Caller): boolean {
    return caller.via === 'session' && Date.now() - caller.session.authTime.getTime() <= RECENT_SIGN_IN_SECONDS * 1000;
  }
}
