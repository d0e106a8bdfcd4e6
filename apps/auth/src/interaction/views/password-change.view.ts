import { Locale, t } from '../i18n';
import { cancelForm, csrfField, esc, layout } from './html';

/** The forced step: an administrator asked for a new password before the user goes on. */
export function renderPasswordChange(v: { locale: Locale; interactionId: string; csrf: string; error?: string }): string {
  const { locale: l } = v;
  return layout(
    l,
    t(l, 'pwchange.title'),
    `<h1>${esc(t(l, 'pwchange.title'))}</h1>
<p class="sub">${esc(t(l, 'pwchange.lead'))}</p>
${v.error ? `<p class="error" role="alert">${esc(v.error)}</p>` : ''}
<form method="post" action="/interaction/${esc(v.interactionId)}/password">
${csrfField(v.csrf)}
<label for="password">${esc(t(l, 'recovery.newPassword'))}</label>
<input type="password" id="password" name="password" autocomplete="new-password" minlength="8" required autofocus>
<button type="submit">${esc(t(l, 'pwchange.submit'))}</button>
</form>
${cancelForm(l, v.interactionId, v.csrf)}`,
  );
}
