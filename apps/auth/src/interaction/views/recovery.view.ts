import { Locale, t } from '../i18n';
import { cancelForm, csrfField, esc, layout } from './html';

export interface RecoveryView {
  locale: Locale;
  interactionId: string;
  csrf: string;
  destination?: string;
  error?: string;
}

/** Step one: the phone or address to send a recovery code to. */
export function renderRecoveryStart(v: RecoveryView): string {
  const { locale: l } = v;
  const id = esc(v.interactionId);
  return layout(
    l,
    t(l, 'recovery.title'),
    `<h1>${esc(t(l, 'recovery.title'))}</h1>
<p class="sub">${esc(t(l, 'recovery.lead'))}</p>
${v.error ? `<p class="error" role="alert">${esc(v.error)}</p>` : ''}
<form method="post" action="/interaction/${id}/recovery">
${csrfField(v.csrf)}
<label for="destination">${esc(t(l, 'recovery.identifier'))}</label>
<input type="text" id="destination" name="destination" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${esc(v.destination)}" autofocus>
<button type="submit">${esc(t(l, 'recovery.send'))}</button>
</form>
<p class="muted"><a href="/interaction/${id}">${esc(t(l, 'recovery.back'))}</a></p>
${cancelForm(l, v.interactionId, v.csrf)}`,
  );
}

/** Step two: the code and the new password. The same page whether or not a code was really sent. */
export function renderRecoveryFinish(v: RecoveryView & { challengeId: string; destination: string }): string {
  const { locale: l } = v;
  const id = esc(v.interactionId);
  return layout(
    l,
    t(l, 'recovery.title'),
    `<h1>${esc(t(l, 'recovery.title'))}</h1>
<p class="sub" id="recovery-sent">${esc(t(l, 'recovery.sent', { to: v.destination }))}</p>
${v.error ? `<p class="error" role="alert">${esc(v.error)}</p>` : ''}
<form method="post" action="/interaction/${id}/recovery/finish">
${csrfField(v.csrf)}
<input type="hidden" name="challenge_id" value="${esc(v.challengeId)}">
<input type="hidden" name="destination" value="${esc(v.destination)}">
<label for="code">${esc(t(l, 'otp.code'))}</label>
<input type="text" id="code" name="code" autocomplete="one-time-code" inputmode="numeric" pattern="[0-9 -]*" maxlength="9" required autofocus>
<label for="password">${esc(t(l, 'recovery.newPassword'))}</label>
<input type="password" id="password" name="password" autocomplete="new-password" minlength="8" required>
<label><input type="checkbox" name="end_sessions" value="on"> ${esc(t(l, 'recovery.endSessions'))}</label>
<button type="submit">${esc(t(l, 'recovery.submit'))}</button>
</form>
<p class="muted"><a href="/interaction/${id}/recovery">${esc(t(l, 'recovery.send'))}</a> · <a href="/interaction/${id}">${esc(t(l, 'recovery.back'))}</a></p>
${cancelForm(l, v.interactionId, v.csrf)}`,
  );
}
