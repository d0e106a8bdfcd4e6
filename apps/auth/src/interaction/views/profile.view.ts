import { Locale, t } from '../i18n';
import { cancelForm, csrfField, esc, layout } from './html';

export interface ProfileView {
  locale: Locale;
  interactionId: string;
  csrf: string;
  values?: { given_name?: string; family_name?: string };
  error?: string;
}

/** Asked once, right after an account is created from a confirmed phone or e-mail. */
export function renderProfile(v: ProfileView): string {
  const { locale: l } = v;
  return layout(
    l,
    t(l, 'profile.title'),
    `<h1>${esc(t(l, 'profile.title'))}</h1>
<p class="sub">${esc(t(l, 'profile.lead'))}</p>
${v.error ? `<p class="error" role="alert">${esc(v.error)}</p>` : ''}
<form method="post" action="/interaction/${esc(v.interactionId)}/profile">
${csrfField(v.csrf)}
<label for="given_name">${esc(t(l, 'profile.givenName'))}</label>
<input type="text" id="given_name" name="given_name" autocomplete="given-name" required maxlength="100" value="${esc(v.values?.given_name)}" autofocus>
<label for="family_name">${esc(t(l, 'profile.familyName'))}</label>
<input type="text" id="family_name" name="family_name" autocomplete="family-name" maxlength="100" value="${esc(v.values?.family_name)}">
<button type="submit">${esc(t(l, 'profile.submit'))}</button>
</form>
${cancelForm(l, v.interactionId, v.csrf)}`,
  );
}
