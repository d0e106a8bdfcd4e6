import { Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BusClient } from '@idp/bus';
import { AccountSubjects, AccountView, PHOTO_MAX_BYTES, USER_LOGIN_METHODS, UserLoginMethod } from '@idp/contracts';
import { Locale, pickLocale, t } from '../interaction/i18n';
import { InteractionFlow } from '../interaction/interaction-flow.service';
import { randomToken, safeEqual } from '../oidc/crypto';
import { renderErrorPage } from '../interaction/views/error.view';
import { Caller, AccountCallerService } from './account-caller.service';
import { AccountActionsService } from './account-actions.service';
import { AccountClientService } from './account-client.service';
import { ACCOUNT_MESSAGES, AccountOutcome, RECENT_SIGN_IN_SECONDS, accountError } from './account-outcomes';
import { AccountSessionsService } from './account-sessions.service';
import { isFile } from './multipart';
import { renderAccountMessage, renderCabinet, renderConfirmIdentifier } from './views/account.view';

type Session = Caller & { via: 'session' };
type Form = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v : '');
const STATE_COOKIE = 'idp_account_state';
export const ACCOUNT_STATE_COOKIE = STATE_COOKIE;
/** Where to land after signing in, when not the cabinet itself: only the pages listed here. */
export const ACCOUNT_NEXT_COOKIE = 'idp_account_next';
const NEXT_PAGES = ['/developers'];

/** Which methods the account can use, as the page shows them. */
function usable(a: AccountView): UserLoginMethod[] {
  return USER_LOGIN_METHODS.filter((m) => (m === 'password' ? a.has_password : m === 'phone_otp' ? !!a.phone_number && a.phone_number_verified : !!a.email && a.email_verified));
}

/**
 * The cabinet's pages at /account: one page of sections, each change a small form (CSRF token in
 * every one) that answers with a redirect back (303) and a notice, or the page again with the error.
 * A signed-out visitor is sent through the sign-in of the internal `account` client and comes back.
 */
@Controller('account')
export class AccountPagesController {
  constructor(
    private readonly callers: AccountCallerService,
    private readonly client: AccountClientService,
    private readonly actions: AccountActionsService,
    private readonly sessions: AccountSessionsService,
    private readonly flow: InteractionFlow,
    private readonly bus: BusClient,
  ) {}

  @Get()
  async show(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Query('done') done?: string) {
    const caller = await this.callers.session(req);
    if (!caller) return this.signIn(req, reply);
    const notice = typeof done === 'string' && done in ACCOUNT_MESSAGES ? (done as AccountOutcome) : undefined;
    return this.render(req, reply, caller, notice ? { notice } : {});
  }

  /** Back from sign-in: the state must be the one this browser was given. */
  @Get('callback')
  async callback(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Query('state') state?: string, @Query('error') error?: string) {
    const expected = req.cookies?.[STATE_COOKIE];
    void reply.clearCookie(STATE_COOKIE, { path: '/account' });
    const locale = pickLocale(undefined, req.headers['accept-language'], (await this.callers.session(req))?.session.locale);
    if (error || !expected || typeof state !== 'string' || !safeEqual(state, expected)) {
      return this.flow.html(reply, renderAccountMessage(locale, 'account.title', t(locale, 'account.signInAgain'), { href: '/account', text: t(locale, 'account.signIn') }), 400);
    }
    const next = req.cookies?.[ACCOUNT_NEXT_COOKIE];
    void reply.clearCookie(ACCOUNT_NEXT_COOKIE, { path: '/account' });
    void reply.redirect(next && NEXT_PAGES.includes(next) ? next : '/account', 303);
  }

  /** Signs in again (prompt=login): required before deleting an account that has no password. */
  @Get('reauth')
  async reauth(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.signIn(req, reply, true);
  }

  @Get('photo')
  async photo(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const caller = await this.callers.session(req);
    if (!caller) return void reply.status(401).send();
    const photo = await this.actions.photo(caller.sub);
    if (!photo) return void reply.status(404).send();
    void reply.headers(photoHeaders(photo.contentType, 'private, no-cache')).send(photo.data);
  }

  @Post('profile')
  async profile(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.act(req, reply, async (caller, form) => {
      const fields = ['given_name', 'family_name', 'middle_name', 'nickname', 'birthdate', 'locale'] as const;
      const values = Object.fromEntries(fields.filter((f) => typeof form[f] === 'string').map((f) => [f, form[f] as string]));
      const saved = await this.bus.request(AccountSubjects.accountUpdate, { sub: caller.sub, ...values, context: this.callers.context(req) });
      if (!saved.ok) return accountError(saved);
      await this.callers.profileSaved(saved.value);
      return 'profile_saved';
    });
  }

  @Post('photo')
  async uploadPhoto(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.act(req, reply, async (caller, form) => {
      const file = form.photo;
      if (!isFile(file) || !file.data.length) return 'photo_missing';
      if (file.data.length > PHOTO_MAX_BYTES) return 'photo_too_large';
      const stored = await this.actions.uploadPhoto(caller.sub, file.data, this.callers.context(req));
      return stored.ok ? 'photo_saved' : accountError(stored);
    });
  }

  @Post('photo/delete')
  async deletePhoto(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.act(req, reply, async (caller) => {
      await this.bus.request(AccountSubjects.photoDelete, { sub: caller.sub, context: this.callers.context(req) });
      return 'photo_deleted';
    });
  }

  @Post('login')
  async login(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.act(req, reply, async (caller, form) => {
      const changed = await this.bus.request(AccountSubjects.loginChange, { sub: caller.sub, login: str(form.login), context: this.callers.context(req) });
      return changed.ok ? 'login_saved' : accountError(changed);
    });
  }

  @Post('identifiers/add')
  async addIdentifier(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.act(req, reply, async (caller, form, locale) => {
      const channel = form.channel === 'email' ? 'email' : 'sms';
      const sent = await this.bus.request(AccountSubjects.identifierAdd, { sub: caller.sub, channel, destination: str(form.destination), ip: req.ip, locale, context: this.callers.context(req) });
      if (!sent.ok) return accountError(sent);
      this.flow.html(reply, renderConfirmIdentifier({ locale, csrf: caller.csrf, challengeId: sent.value.challengeId, channel, destination: sent.value.destination }));
      return null;
    });
  }

  @Post('identifiers/confirm')
  async confirmIdentifier(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.act(req, reply, async (caller, form, locale) => {
      const confirmed = await this.bus.request(AccountSubjects.identifierConfirm, { sub: caller.sub, challengeId: str(form.challenge_id), code: str(form.code), context: this.callers.context(req) });
      if (confirmed.ok) return 'identifier_added';
      if (confirmed.code === 'wrong_code') {
        const channel = form.channel === 'email' ? 'email' : 'sms';
        const error = t(locale, 'otp.wrong', { left: String(confirmed.details?.attemptsLeft ?? 0) });
        this.flow.html(reply, renderConfirmIdentifier({ locale, csrf: caller.csrf, challengeId: str(form.challenge_id), channel, destination: str(form.destination), error }), 400);
        return null;
      }
      return accountError(confirmed);
    });
  }

  @Post('identifiers/remove')
  async removeIdentifier(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.act(req, reply, async (caller, form) => {
      const context = this.callers.context(req);
      // A secondary identifier comes by its id; the primary phone or e-mail by its channel.
      const removed = form.id !== undefined
        ? await this.bus.request(AccountSubjects.identifiersRemove, { sub: caller.sub, id: str(form.id), context })
        : await this.bus.request(AccountSubjects.identifierRemove, { sub: caller.sub, channel: form.channel === 'email' ? 'email' : 'sms', context });
      return removed.ok ? 'identifier_removed' : accountError(removed);
    });
  }

  @Post('identifiers/primary')
  async primary(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.act(req, reply, async (caller, form) => {
      if (form.id !== undefined) {
        const chosen = await this.bus.request(AccountSubjects.identifiersPrimary, { sub: caller.sub, id: str(form.id), context: this.callers.context(req) });
        return chosen.ok ? 'primary_identifier_saved' : accountError(chosen);
      }
      const set = await this.bus.request(AccountSubjects.identifierPrimary, { sub: caller.sub, channel: form.channel === 'email' ? 'email' : 'sms', context: this.callers.context(req) });
      return set.ok ? 'primary_saved' : accountError(set);
    });
  }

  @Post('methods')
  async methods(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.act(req, reply, async (caller, form) => {
      const methods = (Array.isArray(form.methods) ? form.methods : form.methods === undefined ? [] : [form.methods]).map(String) as UserLoginMethod[];
      const set = await this.bus.request(AccountSubjects.methodsSet, { sub: caller.sub, methods, context: this.callers.context(req) });
      return set.ok ? 'methods_saved' : accountError(set);
    });
  }

  @Post('password')
  async password(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.act(req, reply, async (caller, form) => {
      const context = this.callers.context(req);
      const changed = await this.bus.request(AccountSubjects.passwordChange, { sub: caller.sub, current: str(form.current_password), password: str(form.new_password), context });
      if (!changed.ok) return accountError(changed);
      if (form.end_other_sessions === 'on') await this.actions.endOtherSessions(caller.sub, caller.session.id, context);
      return 'password_changed';
    });
  }

  @Post('sessions/end')
  async endSession(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.act(req, reply, async (caller, form) => ((await this.actions.endSession(caller.sub, str(form.session_id), this.callers.context(req))) ? 'session_ended' : 'session_not_found'));
  }

  @Post('sessions/end-others')
  async endOthers(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.act(req, reply, async (caller) => {
      await this.actions.endOtherSessions(caller.sub, caller.session.id, this.callers.context(req));
      return 'sessions_ended';
    });
  }

  @Post('apps/revoke')
  async revokeApp(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.act(req, reply, async (caller, form) => ((await this.actions.revokeApp(caller.sub, str(form.client_id), this.callers.context(req))) ? 'app_revoked' : 'app_not_found'));
  }

  @Post('delete')
  async delete(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.act(req, reply, async (caller, form, locale) => {
      if (form.confirm !== 'yes') return 'delete_unconfirmed';
      const account = await this.bus.value(AccountSubjects.accountGet, { sub: caller.sub });
      if (!account.has_password && Date.now() - caller.session.authTime.getTime() > RECENT_SIGN_IN_SECONDS * 1000) return 'reauth_required';
      const deleted = await this.bus.request(AccountSubjects.accountDelete, { sub: caller.sub, password: str(form.delete_password), context: this.callers.context(req) });
      if (!deleted.ok) return accountError(deleted);
      await this.actions.endEverything(caller.sub, 'account deleted');
      void reply.clearCookie('idp_session', { path: '/' });
      this.flow.html(reply, renderAccountMessage(locale, 'account.deletedTitle', t(locale, 'account.deleted')));
      return null;
    });
  }

  /**
   * Runs one form: session and CSRF first (a bad token changes nothing), then the action, which
   * answers an outcome (redirect with a notice, or the page with an error) or null (it answered).
   */
  private async act(req: FastifyRequest, reply: FastifyReply, action: (caller: Session, form: Form, locale: Locale) => Promise<AccountOutcome | null>) {
    const caller = await this.callers.session(req);
    const form = (req.body ?? {}) as Form;
    const locale = pickLocale(undefined, req.headers['accept-language'], caller?.session.locale);
    if (!caller) return this.signIn(req, reply);
    if (!this.callers.csrfValid(caller, form.csrf)) return this.flow.html(reply, renderErrorPage(locale, t(locale, 'error.csrf')), 403);
    const account = await this.bus.request(AccountSubjects.accountGet, { sub: caller.sub });
    const pageLocale = (account.ok && account.value.locale) || locale;
    const outcome = await action(caller, form, pageLocale);
    if (outcome === null) return;
    if (ACCOUNT_MESSAGES[outcome].ok) return void reply.redirect(`/account?done=${outcome}#${ACCOUNT_MESSAGES[outcome].section}`, 303);
    return this.render(req, reply, caller, { error: outcome }, ACCOUNT_MESSAGES[outcome].status);
  }

  private async render(req: FastifyRequest, reply: FastifyReply, caller: Session, message: { notice?: AccountOutcome; error?: AccountOutcome }, status = 200) {
    const account = await this.bus.request(AccountSubjects.accountGet, { sub: caller.sub });
    if (!account.ok) return this.signIn(req, reply);
    const locale = account.value.locale ?? pickLocale(undefined, req.headers['accept-language']);
    const [sessions, apps, events] = await Promise.all([
      this.sessions.list(caller.sub, caller.session.id),
      this.actions.apps(caller.sub),
      this.bus.value(AccountSubjects.auditList, { sub: caller.sub, limit: 20 }),
    ]);
    const text = (o?: AccountOutcome) => (o ? t(locale, ACCOUNT_MESSAGES[o].key) : undefined);
    const page = renderCabinet({ locale, csrf: caller.csrf, account: account.value, sessions, apps, events, usable: usable(account.value), notice: text(message.notice), error: text(message.error) });
    return this.flow.html(reply, page, status);
  }

  private async signIn(req: FastifyRequest, reply: FastifyReply, again = false) {
    await this.client.ensure();
    const state = randomToken();
    void reply.clearCookie(ACCOUNT_NEXT_COOKIE, { path: '/account' });
    void reply.setCookie(STATE_COOKIE, state, { path: '/account', httpOnly: true, sameSite: 'lax', secure: this.client.redirectUri.startsWith('https://'), maxAge: 3600 });
    const url = this.client.signInUrl(state) + (again ? '&prompt=login' : '');
    void reply.redirect(url, 303);
  }
}

/** A user's picture: its own type, never sniffed, never run as a page. */
export function photoHeaders(contentType: string, cache: string): Record<string, string> {
  return {
    'Content-Type': contentType,
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'; sandbox",
    'Content-Disposition': 'inline; filename="photo"',
    'Cache-Control': cache,
    'Cross-Origin-Resource-Policy': 'same-site',
  };
}
