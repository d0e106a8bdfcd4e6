import { AccountView, AuditEntry, UserLoginMethod } from '@idp/contracts';
import { Locale, MessageKey, t } from '../../interaction/i18n';
import { csrfField, esc, layout } from '../../interaction/views/html';
import { ConnectedApp } from '../account-actions.service';
import { SessionView } from '../account-sessions.service';

export interface CabinetPage {
  locale: Locale;
  csrf: string;
  account: AccountView;
  sessions: SessionView[];
  apps: ConnectedApp[];
  events: AuditEntry[];
  /** Methods this account can use (the rest are shown, switched off, with why). */
  usable: UserLoginMethod[];
  notice?: string;
  error?: string;
}

const METHOD_KEYS: Record<UserLoginMethod, MessageKey> = { password: 'account.method.password', phone_otp: 'account.method.phone', email_otp: 'account.method.email' };

export function wideLayout(locale: Locale, title: string, body: string): string {
  return layout(locale, title, body).replace('<main class="card">', '<main class="card wide">');
}

const date = (iso: string | null) => (iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : '');

function post(action: string, csrf: string, inner: string, attrs = ''): string {
  return `<form method="post" action="${esc(action)}"${attrs}>\n${csrfField(csrf)}\n${inner}\n</form>`;
}

function field(l: Locale, name: string, label: MessageKey, value: string | null, type = 'text', extra = ''): string {
  return `<label for="${name}">${esc(t(l, label))}</label>
<input type="${type}" id="${name}" name="${name}" value="${esc(value)}" ${extra}>`;
}

function nav(l: Locale): string {
  const links: Array<[string, MessageKey]> = [
    ['#profile', 'account.profile'],
    ['#identifiers', 'account.identifiers'],
    ['#methods', 'account.methods'],
    ['#password', 'account.password'],
    ['/account/two-factor', 'account.twoFactor'],
    ['/account/certificates', 'certs.title'],
    ['/account/organizations', 'org.title'],
    ['#sessions', 'account.sessions'],
    ['#apps', 'account.apps'],
    ['#security', 'account.security'],
    ['#delete', 'account.delete'],
    ['/developers', 'dev.title'],
  ];
  return `<nav class="muted">${links.map(([href, key]) => `<a href="${href}">${esc(t(l, key))}</a>`).join(' · ')}</nav>`;
}

function profile(v: CabinetPage): string {
  const { locale: l, account: a } = v;
  const locales = ['', 'ru', 'en', 'kk'].map((code) => `<option value="${code}"${(a.locale ?? '') === code ? ' selected' : ''}>${esc(code ? t(l, `account.locale.${code}` as MessageKey) : t(l, 'account.locale.auto'))}</option>`).join('');
  const photo = a.has_photo ? `<p><img src="/account/photo" alt="${esc(t(l, 'account.photo'))}" width="96" height="96" id="photo"></p>` : '';
  return `<h2 id="profile">${esc(t(l, 'account.profile'))}</h2>
${post('/account/profile', v.csrf, `${field(l, 'given_name', 'account.givenName', a.given_name, 'text', 'autocomplete="given-name" required maxlength="100"')}
${field(l, 'family_name', 'account.familyName', a.family_name, 'text', 'autocomplete="family-name" maxlength="100"')}
${field(l, 'middle_name', 'account.middleName', a.middle_name, 'text', 'autocomplete="additional-name" maxlength="100"')}
${field(l, 'nickname', 'account.nickname', a.nickname, 'text', 'autocomplete="nickname" maxlength="100"')}
${field(l, 'birthdate', 'account.birthdate', a.birthdate, 'date', 'autocomplete="bday"')}
<label for="locale">${esc(t(l, 'account.locale'))}</label>
<select id="locale" name="locale">${locales}</select>
<button type="submit">${esc(t(l, 'account.save'))}</button>`)}
<h2 id="photo-section">${esc(t(l, 'account.photo'))}</h2>
${photo}
${post('/account/photo', v.csrf, `<label for="photo-file">${esc(t(l, 'account.photoHint'))}</label>
<input type="file" id="photo-file" name="photo" accept="image/jpeg,image/png,image/webp" required>
<button type="submit" class="secondary">${esc(t(l, 'account.photoUpload'))}</button>`, ' enctype="multipart/form-data"')}
${a.has_photo ? post('/account/photo/delete', v.csrf, `<button type="submit" class="secondary">${esc(t(l, 'account.photoDelete'))}</button>`) : ''}
${post('/account/login', v.csrf, `${field(l, 'login', 'account.login', a.login, 'text', 'autocomplete="username" autocapitalize="none" spellcheck="false" required')}
<button type="submit" class="secondary">${esc(t(l, 'account.save'))}</button>`)}`;
}

function identifiers(v: CabinetPage): string {
  const { locale: l, account: a } = v;
  const row = (channel: 'sms' | 'email', value: string | null, verified: boolean) => {
    if (!value) return `<p class="muted">${esc(t(l, channel === 'sms' ? 'account.noPhone' : 'account.noEmail'))}</p>`;
    const column = channel === 'sms' ? 'phone' : 'email';
    const badges = [verified ? t(l, 'account.verified') : t(l, 'account.unverified'), a.primary_identifier === column ? t(l, 'account.primary') : ''].filter(Boolean).join(', ');
    const makePrimary = verified && a.primary_identifier !== column
      ? post('/account/identifiers/primary', v.csrf, `<input type="hidden" name="channel" value="${channel}"><button type="submit" class="secondary">${esc(t(l, 'account.makePrimary'))}</button>`)
      : '';
    return `<p id="${column}-row"><strong>${esc(value)}</strong> <span class="muted">(${esc(badges)})</span></p>
${makePrimary}
${post('/account/identifiers/remove', v.csrf, `<input type="hidden" name="channel" value="${channel}"><button type="submit" class="secondary">${esc(t(l, 'account.remove'))}</button>`)}
${secondary(channel === 'sms' ? 'phone' : 'email')}`;
  };
  // The other phones and addresses of the account: each signs in like the primary one.
  const secondary = (type: 'phone' | 'email') =>
    (a.identifiers ?? [])
      .filter((i) => i.type === type && !i.primary)
      .map(
        (i) => `<div class="identifier" data-identifier="${esc(i.id)}"><p><strong>${esc(i.value)}</strong> <span class="muted">(${esc(t(l, i.verified ? 'account.verified' : 'account.unverified'))})</span></p>
${i.verified ? post('/account/identifiers/primary', v.csrf, `<input type="hidden" name="id" value="${esc(i.id)}"><button type="submit" class="secondary">${esc(t(l, 'account.identifiers.makePrimary'))}</button>`) : ''}
${post('/account/identifiers/remove', v.csrf, `<input type="hidden" name="id" value="${esc(i.id)}"><button type="submit" class="secondary">${esc(t(l, 'account.identifiers.remove'))}</button>`)}</div>`,
      )
      .join('\n');
  return `<h2 id="identifiers">${esc(t(l, 'account.identifiers'))}</h2>
${row('sms', a.phone_number, a.phone_number_verified)}
${row('email', a.email, a.email_verified)}
${post('/account/identifiers/add', v.csrf, `<input type="hidden" name="channel" value="sms">
<label for="new-phone">${esc(t(l, 'account.addPhone'))}</label>
<input type="tel" id="new-phone" name="destination" autocomplete="tel" inputmode="tel" required>
<button type="submit" class="secondary">${esc(t(l, 'account.sendCode'))}</button>`)}
${post('/account/identifiers/add', v.csrf, `<input type="hidden" name="channel" value="email">
<label for="new-email">${esc(t(l, 'account.addEmail'))}</label>
<input type="email" id="new-email" name="destination" autocomplete="email" autocapitalize="none" spellcheck="false" required>
<button type="submit" class="secondary">${esc(t(l, 'account.sendCode'))}</button>`)}`;
}

function methods(v: CabinetPage): string {
  const { locale: l, account: a } = v;
  const boxes = (Object.keys(METHOD_KEYS) as UserLoginMethod[])
    .map((m) => {
      const usable = v.usable.includes(m);
      const on = usable && a.login_methods.includes(m);
      return `<label><input type="checkbox" name="methods" value="${m}"${on ? ' checked' : ''}${usable ? '' : ' disabled'}> ${esc(t(l, METHOD_KEYS[m]))}${usable ? '' : ` <span class="muted">(${esc(t(l, 'account.methodUnusable'))})</span>`}</label>`;
    })
    .join('\n');
  return `<h2 id="methods">${esc(t(l, 'account.methods'))}</h2>
<p class="muted">${esc(t(l, 'account.methodsLead'))}</p>
${post('/account/methods', v.csrf, `${boxes}\n<button type="submit" class="secondary">${esc(t(l, 'account.save'))}</button>`)}`;
}

function password(v: CabinetPage): string {
  const { locale: l, account: a } = v;
  const current = a.has_password ? field(l, 'current_password', 'account.currentPassword', '', 'password', 'autocomplete="current-password" required') : '';
  const changed = a.password_updated_at ? `<p class="muted">${esc(t(l, 'account.passwordUpdated', { at: date(a.password_updated_at) }))}</p>` : '';
  return `<h2 id="password">${esc(t(l, 'account.password'))}</h2>
${changed}
${post('/account/password', v.csrf, `${current}
${field(l, 'new_password', 'account.newPassword', '', 'password', 'autocomplete="new-password" minlength="8" required')}
<label><input type="checkbox" name="end_other_sessions" value="on"> ${esc(t(l, 'account.endOthersToo'))}</label>
<button type="submit">${esc(t(l, a.has_password ? 'account.changePassword' : 'account.setPassword'))}</button>`)}`;
}

function sessions(v: CabinetPage): string {
  const { locale: l } = v;
  const rows = v.sessions
    .map((s) => `<tr data-session="${esc(s.id)}"><td>${esc(date(s.created_at))}</td><td>${esc(s.user_agent ?? '')}</td><td>${esc(s.ip ?? '')}</td><td>${
      s.current ? esc(t(l, 'account.thisSession')) : post('/account/sessions/end', v.csrf, `<input type="hidden" name="session_id" value="${esc(s.id)}"><button type="submit" class="secondary">${esc(t(l, 'account.endSession'))}</button>`)
    }</td></tr>`)
    .join('\n');
  return `<h2 id="sessions">${esc(t(l, 'account.sessions'))}</h2>
<table><thead><tr><th>${esc(t(l, 'account.started'))}</th><th>${esc(t(l, 'account.browser'))}</th><th>IP</th><th></th></tr></thead><tbody>
${rows}
</tbody></table>
${post('/account/sessions/end-others', v.csrf, `<button type="submit" class="secondary">${esc(t(l, 'account.endOthers'))}</button>`)}`;
}

function apps(v: CabinetPage): string {
  const { locale: l } = v;
  const items = v.apps.length
    ? `<ul>${v.apps
        .map((a) => `<li data-client="${esc(a.client_id)}"><strong>${esc(a.client_name)}</strong> <span class="muted">${esc(a.scopes.join(' '))} · ${esc(date(a.granted_at))}</span>
${post('/account/apps/revoke', v.csrf, `<input type="hidden" name="client_id" value="${esc(a.client_id)}"><button type="submit" class="secondary">${esc(t(l, 'account.revoke'))}</button>`)}</li>`)
        .join('\n')}</ul>`
    : `<p class="muted">${esc(t(l, 'account.noApps'))}</p>`;
  return `<h2 id="apps">${esc(t(l, 'account.apps'))}</h2>\n${items}`;
}

function security(v: CabinetPage): string {
  const { locale: l } = v;
  const rows = v.events
    .map((e) => `<tr><td>${esc(date(e.at))}</td><td>${esc(e.type)}</td><td>${esc(e.ip ?? '')}</td><td>${esc(e.client_id ?? '')}</td><td>${esc(e.user_agent ?? '')}</td></tr>`)
    .join('\n');
  return `<h2 id="security">${esc(t(l, 'account.security'))}</h2>
<table id="events"><thead><tr><th>${esc(t(l, 'account.when'))}</th><th>${esc(t(l, 'account.what'))}</th><th>IP</th><th>${esc(t(l, 'account.client'))}</th><th>${esc(t(l, 'account.browser'))}</th></tr></thead><tbody>
${rows}
</tbody></table>`;
}

function deletion(v: CabinetPage): string {
  const { locale: l, account: a } = v;
  const pass = a.has_password ? field(l, 'delete_password', 'account.currentPassword', '', 'password', 'autocomplete="current-password" required') : `<p class="muted">${esc(t(l, 'account.deleteRecent'))}</p>`;
  return `<h2 id="delete">${esc(t(l, 'account.delete'))}</h2>
<p class="muted">${esc(t(l, 'account.deleteLead'))}</p>
${post('/account/delete', v.csrf, `${pass}
<label><input type="checkbox" name="confirm" value="yes" required> ${esc(t(l, 'account.deleteConfirm'))}</label>
<button type="submit" class="danger">${esc(t(l, 'account.deleteButton'))}</button>`)}`;
}

/** The cabinet: every section on one page, each change its own form with the CSRF token. */
export function renderCabinet(v: CabinetPage): string {
  const { locale: l, account: a } = v;
  const who = [a.given_name, a.family_name].filter(Boolean).join(' ') || a.login;
  return wideLayout(
    l,
    t(l, 'account.title'),
    `<h1>${esc(t(l, 'account.title'))}</h1>
<p class="sub">${esc(who)}</p>
${nav(l)}
${v.notice ? `<p class="notice" role="status">${esc(v.notice)}</p>` : ''}
${v.error ? `<p class="error" role="alert">${esc(v.error)}</p>` : ''}
${profile(v)}
${identifiers(v)}
${methods(v)}
${password(v)}
${sessions(v)}
${apps(v)}
${security(v)}
${deletion(v)}`,
  );
}

/** The code page after asking to add a phone or an address. */
export function renderConfirmIdentifier(v: { locale: Locale; csrf: string; challengeId: string; channel: 'sms' | 'email'; destination: string; error?: string }): string {
  const { locale: l } = v;
  return wideLayout(
    l,
    t(l, 'otp.title'),
    `<h1>${esc(t(l, 'otp.title'))}</h1>
<p class="sub">${esc(t(l, v.channel === 'sms' ? 'otp.sentSms' : 'otp.sentEmail', { to: v.destination }))}</p>
${v.error ? `<p class="error" role="alert">${esc(v.error)}</p>` : ''}
${post('/account/identifiers/confirm', v.csrf, `<input type="hidden" name="challenge_id" value="${esc(v.challengeId)}">
<input type="hidden" name="channel" value="${v.channel}">
<input type="hidden" name="destination" value="${esc(v.destination)}">
<label for="code">${esc(t(l, 'otp.code'))}</label>
<input type="text" id="code" name="code" autocomplete="one-time-code" inputmode="numeric" pattern="[0-9 -]*" maxlength="9" required autofocus>
<button type="submit">${esc(t(l, 'otp.submit'))}</button>`)}
<p><a href="/account#identifiers">${esc(t(l, 'account.back'))}</a></p>`,
  );
}

/** A page that only says something and leads on (signed out, deleted). */
export function renderAccountMessage(l: Locale, title: MessageKey, message: string, link?: { href: string; text: string }): string {
  return wideLayout(l, t(l, title), `<h1>${esc(t(l, title))}</h1>\n<p>${esc(message)}</p>${link ? `\n<p><a href="${esc(link.href)}">${esc(link.text)}</a></p>` : ''}`);
}
