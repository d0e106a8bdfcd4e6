import { Locale, t } from '../i18n';
import { cancelForm, csrfField, esc, layout } from './html';

export interface OtpView {
  locale: Locale;
  interactionId: string;
  csrf: string;
  channel: 'sms' | 'email';
  destination: string;
  /** Seconds until a new code may be asked for (0: now), and the moment that happens. */
  resendIn: number;
  resendAt: Date;
  error?: string;
  notice?: string;
}

/** The code entry page: one field the phone's keyboard and SMS autofill recognise. */
export function renderOtp(v: OtpView): string {
  const { locale: l } = v;
  const id = esc(v.interactionId);
  const time = v.resendAt.toISOString().slice(11, 19) + ' UTC';
  const resendHint = v.resendIn > 0 ? t(l, 'otp.resendIn', { seconds: String(v.resendIn), time }) : t(l, 'otp.resendNow');
  return layout(
    l,
    t(l, 'otp.title'),
    `<h1>${esc(t(l, 'otp.title'))}</h1>
<p class="sub" id="otp-sent">${esc(t(l, v.channel === 'sms' ? 'otp.sentSms' : 'otp.sentEmail', { to: v.destination }))}</p>
${v.notice ? `<p class="notice" role="status">${esc(v.notice)}</p>` : ''}
${v.error ? `<p class="error" role="alert" id="otp-error">${esc(v.error)}</p>` : ''}
<form method="post" action="/interaction/${id}/otp/verify">
${csrfField(v.csrf)}
<label for="code">${esc(t(l, 'otp.code'))}</label>
<input type="text" id="code" name="code" autocomplete="one-time-code" inputmode="numeric" pattern="[0-9 -]*" maxlength="9" required autofocus>
<button type="submit">${esc(t(l, 'otp.submit'))}</button>
</form>
<p class="muted" id="resend-hint" data-resend-in="${v.resendIn}">${esc(resendHint)}</p>
<form method="post" action="/interaction/${id}/otp/resend">
${csrfField(v.csrf)}
<button type="submit" class="secondary">${esc(t(l, 'otp.resend'))}</button>
</form>
<form method="post" action="/interaction/${id}/otp/back">
${csrfField(v.csrf)}
<button type="submit" class="secondary">${esc(t(l, 'otp.change'))}</button>
</form>
${cancelForm(l, v.interactionId, v.csrf)}`,
  );
}
