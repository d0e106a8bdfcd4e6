import { Locale, t } from '../i18n';
import { csrfField, esc, layout } from './html';

export interface RegisterView {
  locale: Locale;
  interactionId: string;
  csrf: string;
  values?: Record<string, string>;
  error?: string;
}

export function renderRegister(v: RegisterView): string {
  const { locale: l } = v;
  const val = (name: string) => esc(v.values?.[name]);
  return layout(
    l,
    t(l, 'register.title'),
    `<h1>${esc(t(l, 'register.title'))}</h1>
${v.error ? `<p class="error" role="alert">${esc(v.error)}</p>` : ''}
<form method="post" action="/interaction/${esc(v.interactionId)}/register">
${csrfField(v.csrf)}
<label for="login">${esc(t(l, 'register.login'))}</label>
<input type="text" id="login" name="login" autocomplete="username" autocapitalize="none" spellcheck="false" required minlength="3" maxlength="64" value="${val('login')}">
<label for="password">${esc(t(l, 'register.password'))}</label>
<input type="password" id="password" name="password" autocomplete="new-password" required minlength="8">
<div class="row">
<div><label for="given_name">${esc(t(l, 'register.givenName'))}</label>
<input type="text" id="given_name" name="given_name" autocomplete="given-name" value="${val('given_name')}"></div>
<div><label for="family_name">${esc(t(l, 'register.familyName'))}</label>
<input type="text" id="family_name" name="family_name" autocomplete="family-name" value="${val('family_name')}"></div>
</div>
<label for="email">${esc(t(l, 'register.email'))}</label>
<input type="email" id="email" name="email" autocomplete="email" value="${val('email')}">
<button type="submit">${esc(t(l, 'register.submit'))}</button>
</form>
<p class="muted">${esc(t(l, 'register.haveAccount'))} <a href="/interaction/${esc(v.interactionId)}">${esc(t(l, 'register.signIn'))}</a></p>`,
  );
}
