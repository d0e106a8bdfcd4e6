import { Locale, t } from '../i18n';
import { cancelForm, csrfField, esc, layout } from './html';

const codeInput = (l: Locale, id: string, label: string, pattern = '[0-9 -]*') =>
  `<label for="${id}">${esc(label)}</label>
<input type="text" id="${id}" name="code" autocomplete="one-time-code" inputmode="${pattern.startsWith('[0-9') ? 'numeric' : 'text'}" pattern="${pattern}" maxlength="12" required>`;

const rememberBox = (l: Locale, days: number) =>
  days > 0 ? `<label class="check"><input type="checkbox" name="remember" value="1"> ${esc(t(l, 'twofa.remember', { days: String(days) }))}</label>` : '';

/** The QR code, the key to type by hand, and the form that confirms the first code. */
export function totpEnrolBlock(l: Locale, v: { qr: string; secret: string; action: string; csrf: string; error?: string }): string {
  const key = v.secret.replace(/(.{4})/g, '$1 ').trim();
  return `${v.error ? `<p class="error" role="alert" id="twofa-error">${esc(v.error)}</p>` : ''}
<p><img src="${esc(v.qr)}" alt="${esc(t(l, 'twofa.qrAlt'))}" width="200" height="200" id="totp-qr"></p>
<p class="muted">${esc(t(l, 'twofa.manualKey'))}</p>
<pre id="totp-secret" data-secret="${esc(v.secret)}">${esc(key)}</pre>
<form method="post" action="${esc(v.action)}">
${csrfField(v.csrf)}
${codeInput(l, 'code', t(l, 'twofa.code'))}
<button type="submit">${esc(t(l, 'twofa.submit'))}</button>
</form>`;
}

/** Backup codes, shown once. */
export function backupCodesBlock(l: Locale, codes: string[]): string {
  return `<h2>${esc(t(l, 'twofa.backupCodesTitle'))}</h2>
<p class="muted">${esc(t(l, 'twofa.backupCodesLead'))}</p>
<pre id="backup-codes">${codes.map(esc).join('\n')}</pre>`;
}

export interface SecondFactorView {
  locale: Locale;
  interactionId: string;
  csrf: string;
  totp: boolean;
  /** The masked phone when the SMS factor is on. */
  smsPhone: string | null;
  /** An SMS code was sent and is awaited. */
  smsSent: boolean;
  rememberDays: number;
  error?: string;
  notice?: string;
}

/** The second step of a sign-in: the app's code, an SMS code instead, or a backup code. */
export function renderSecondFactor(v: SecondFactorView): string {
  const { locale: l } = v;
  const base = `/interaction/${esc(v.interactionId)}/second-factor`;
  const totp = v.totp
    ? `<p class="sub">${esc(t(l, 'twofa.lead'))}</p>
<form method="post" action="${base}/verify">
${csrfField(v.csrf)}
<input type="hidden" name="method" value="totp">
${codeInput(l, 'code', t(l, 'twofa.code'))}
${rememberBox(l, v.rememberDays)}
<button type="submit">${esc(t(l, 'twofa.submit'))}</button>
</form>`
    : '';
  const sms = v.smsPhone
    ? v.smsSent
      ? `<form method="post" action="${base}/verify">
${csrfField(v.csrf)}
<input type="hidden" name="method" value="sms">
${codeInput(l, 'sms-code', t(l, 'twofa.smsCode'))}
${rememberBox(l, v.rememberDays)}
<button type="submit">${esc(t(l, 'twofa.submit'))}</button>
</form>
<form method="post" action="${base}/sms">
${csrfField(v.csrf)}
<button type="submit" class="secondary">${esc(t(l, 'otp.resend'))}</button>
</form>`
      : `<form method="post" action="${base}/sms">
${csrfField(v.csrf)}
<button type="submit" class="secondary">${esc(t(l, 'twofa.useSms', { phone: v.smsPhone }))}</button>
</form>`
    : '';
  return layout(
    l,
    t(l, 'twofa.title'),
    `<h1>${esc(t(l, 'twofa.title'))}</h1>
${v.notice ? `<p class="notice" role="status" id="twofa-notice">${esc(v.notice)}</p>` : ''}
${v.error ? `<p class="error" role="alert" id="twofa-error">${esc(v.error)}</p>` : ''}
${totp}
${sms}
<h2>${esc(t(l, 'twofa.backupTitle'))}</h2>
<form method="post" action="${base}/verify">
${csrfField(v.csrf)}
<input type="hidden" name="method" value="backup_code">
${codeInput(l, 'backup-code', t(l, 'twofa.backupCode'), '[A-Za-z0-9 -]*')}
${rememberBox(l, v.rememberDays)}
<button type="submit" class="secondary">${esc(t(l, 'twofa.submit'))}</button>
</form>
${cancelForm(l, v.interactionId, v.csrf)}`,
  );
}

/**
 * The SMS choice of an enrolment: a code to the verified phone, then the form for it; or why it
 * is not offered (no verified phone; or the first factor was a code to that very phone).
 */
export type SmsEnrolOption = { phone: string; sent: boolean } | 'no_phone' | 'after_sms';

function smsEnrolBlock(l: Locale, base: string, csrf: string, sms: SmsEnrolOption): string {
  const title = `<h2>${esc(t(l, 'twofa.enrolSmsTitle'))}</h2>`;
  if (sms === 'no_phone') return `${title}\n<p class="muted" id="sms-enrol-unavailable">${esc(t(l, 'twofa.enrolSmsNoPhone'))}</p>`;
  if (sms === 'after_sms') return `${title}\n<p class="muted" id="sms-enrol-unavailable">${esc(t(l, 'twofa.enrolSmsAfterSms'))}</p>`;
  const send = (label: string, cls: string) => `<form method="post" action="${base}/enrol-sms/send">
${csrfField(csrf)}
<button type="submit"${cls ? ` class="${cls}"` : ''} id="sms-enrol-send">${esc(label)}</button>
</form>`;
  if (!sms.sent) return `${title}\n<p class="muted">${esc(t(l, 'twofa.enrolSmsLead', { phone: sms.phone }))}</p>\n${send(t(l, 'twofa.enrolSmsSend', { phone: sms.phone }), 'secondary')}`;
  return `${title}
<form method="post" action="${base}/enrol-sms" id="sms-enrol-confirm">
${csrfField(csrf)}
${codeInput(l, 'sms-code', t(l, 'twofa.smsCode'))}
<button type="submit">${esc(t(l, 'twofa.submit'))}</button>
</form>
${send(t(l, 'otp.resend'), 'secondary')}`;
}

/**
 * Enrolment inside the sign-in, when the account or the client needs a factor the account does
 * not have yet: an authenticator app, or SMS codes to the verified phone.
 */
export function renderSecondFactorEnrol(v: { locale: Locale; interactionId: string; csrf: string; qr: string; secret: string; sms: SmsEnrolOption; error?: string; notice?: string }): string {
  const l = v.locale;
  const base = `/interaction/${esc(v.interactionId)}/second-factor`;
  return layout(
    l,
    t(l, 'twofa.enrolTitle'),
    `<h1>${esc(t(l, 'twofa.enrolTitle'))}</h1>
${v.notice ? `<p class="notice" role="status" id="twofa-notice">${esc(v.notice)}</p>` : ''}
${v.error ? `<p class="error" role="alert" id="twofa-error">${esc(v.error)}</p>` : ''}
<p class="sub">${esc(t(l, 'twofa.enrolLead'))}</p>
<h2>${esc(t(l, 'twofa.enrolAppTitle'))}</h2>
${totpEnrolBlock(l, { qr: v.qr, secret: v.secret, action: `${base}/enrol`, csrf: v.csrf })}
${smsEnrolBlock(l, base, v.csrf, v.sms)}
${cancelForm(l, v.interactionId, v.csrf)}`,
  );
}

/** After the enrolment: the backup codes once, then on. */
export function renderSecondFactorEnrolled(v: { locale: Locale; interactionId: string; csrf: string; codes: string[]; rememberDays: number }): string {
  const l = v.locale;
  return layout(
    l,
    t(l, 'twofa.backupCodesTitle'),
    `<h1>${esc(t(l, 'account2fa.on'))}</h1>
${v.codes.length ? backupCodesBlock(l, v.codes) : ''}
<form method="post" action="/interaction/${esc(v.interactionId)}/second-factor/continue">
${csrfField(v.csrf)}
${rememberBox(l, v.rememberDays)}
<button type="submit">${esc(t(l, 'twofa.continue'))}</button>
</form>`,
  );
}
