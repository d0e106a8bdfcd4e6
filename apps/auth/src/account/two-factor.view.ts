import { RememberedDevice, SecondFactorStatus } from '@idp/contracts';
import { Locale, t } from '../interaction/i18n';
import { backupCodesBlock, totpEnrolBlock } from '../interaction/views/second-factor.view';
import { csrfField, esc, layout } from '../interaction/views/html';

const BASE = '/account/two-factor';

const post = (action: string, csrf: string, inner: string, extraClass = '') =>
  `<form method="post" action="${BASE}${action}">
${csrfField(csrf)}
${inner}
</form>`.replace('<form', extraClass ? `<form class="${extraClass}"` : '<form');

export interface TwoFactorPage {
  locale: Locale;
  csrf: string;
  status: SecondFactorStatus;
  devices: RememberedDevice[];
  notice?: string;
  error?: string;
  /** Backup codes just made: shown this once. */
  codes?: string[];
  /** An SMS code was just sent to turn 2FA off with: the disable form carries its challenge. */
  smsChallengeId?: string;
}

/** The account's two-step sign-in: factors, backup codes, trusted browsers, and turning it off. */
export function renderTwoFactorPage(v: TwoFactorPage): string {
  const { locale: l, status: s, csrf } = v;
  const totp = s.totp
    ? `<p id="totp-status">${esc(t(l, 'account2fa.totpOn'))}</p>`
    : post('/totp', csrf, `<button type="submit" id="totp-setup">${esc(t(l, 'account2fa.totpSetup'))}</button>`);
  const sms = s.smsAvailable
    ? `<p id="sms-status">${esc(t(l, s.sms ? 'account2fa.smsOn' : 'account2fa.smsOff', { phone: s.phoneMasked ?? '' }))}</p>
${post('/sms', csrf, `<input type="hidden" name="enabled" value="${s.sms ? '0' : '1'}"><button type="submit" class="secondary">${esc(t(l, s.sms ? 'account2fa.smsDisable' : 'account2fa.smsEnable'))}</button>`)}`
    : `<p class="muted">${esc(t(l, 'account2fa.smsUnavailable'))}</p>`;
  const backup = s.enrolled
    ? `<p id="backup-left">${esc(t(l, 'account2fa.backupLeft', { count: String(s.backupCodesLeft) }))}</p>
${post(
  '/backup-codes',
  csrf,
  `<label for="backup-password">${esc(t(l, 'account2fa.password'))}</label>
<input type="password" id="backup-password" name="password" autocomplete="current-password">
<label for="backup-code">${esc(t(l, 'twofa.code'))}</label>
<input type="text" id="backup-code" name="code" autocomplete="one-time-code">
<button type="submit" class="secondary">${esc(t(l, 'account2fa.backupRegenerate'))}</button>`,
)}`
    : '';
  const devices = v.devices.length
    ? `<ul id="devices">${v.devices
        .map(
          (d) => `<li>${esc(t(l, 'account2fa.deviceLine', { label: d.label || '?', until: d.expiresAt.slice(0, 10) }))}
${post('/devices/revoke', csrf, `<input type="hidden" name="id" value="${esc(d.id)}"><button type="submit" class="secondary">${esc(t(l, 'account2fa.revoke'))}</button>`)}</li>`,
        )
        .join('\n')}</ul>`
    : `<p class="muted" id="devices">${esc(t(l, 'account2fa.noDevices'))}</p>`;
  const disable = s.enrolled
    ? `<h2>${esc(t(l, 'account2fa.disableTitle'))}</h2>
<p class="muted">${esc(t(l, 'account2fa.disableLead'))}</p>
${post(
  '/disable',
  csrf,
  `<label for="password">${esc(t(l, 'account2fa.password'))}</label>
<input type="password" id="password" name="password" autocomplete="current-password">
<label for="disable-code">${esc(t(l, 'twofa.code'))}</label>
<input type="text" id="disable-code" name="code" autocomplete="one-time-code">
${v.smsChallengeId ? `<input type="hidden" name="sms_challenge_id" value="${esc(v.smsChallengeId)}">` : ''}
<button type="submit">${esc(t(l, 'account2fa.disable'))}</button>`,
)}
${s.sms ? post('/disable/sms', csrf, `<button type="submit" class="secondary" id="disable-sms">${esc(t(l, 'account2fa.disableSms', { phone: s.phoneMasked ?? '' }))}</button>`) : ''}`
    : '';
  return layout(
    l,
    t(l, 'account2fa.title'),
    `<h1>${esc(t(l, 'account2fa.title'))}</h1>
<p class="sub" id="twofa-state">${esc(t(l, s.enrolled ? 'account2fa.on' : 'account2fa.off'))}</p>
${v.notice ? `<p class="notice" role="status" id="twofa-notice">${esc(v.notice)}</p>` : ''}
${v.error ? `<p class="error" role="alert" id="twofa-error">${esc(v.error)}</p>` : ''}
${v.codes?.length ? backupCodesBlock(l, v.codes) : ''}
${totp}
${sms}
${backup}
<h2>${esc(t(l, 'account2fa.devices'))}</h2>
${devices}
${disable}`,
  );
}

export function renderTotpEnrolPage(v: { locale: Locale; csrf: string; qr: string; secret: string; error?: string }): string {
  const l = v.locale;
  return layout(
    l,
    t(l, 'account2fa.totpSetup'),
    `<h1>${esc(t(l, 'account2fa.totpSetup'))}</h1>
${totpEnrolBlock(l, { qr: v.qr, secret: v.secret, action: `${BASE}/totp/confirm`, csrf: v.csrf, error: v.error })}
<p><a href="${BASE}">${esc(t(l, 'account2fa.back'))}</a></p>`,
  );
}

export function renderSignInFirst(l: Locale): string {
  return layout(l, t(l, 'account2fa.title'), `<h1>${esc(t(l, 'account2fa.title'))}</h1>\n<p class="error" role="alert">${esc(t(l, 'account2fa.signIn'))}</p>`);
}
