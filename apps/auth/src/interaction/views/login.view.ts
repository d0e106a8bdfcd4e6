import { Locale, t } from '../i18n';
import { csrfField, esc, layout } from './html';

export interface LoginView {
  locale: Locale;
  interactionId: string;
  csrf: string;
  clientName: string;
  login?: string;
  failed?: boolean;
}

export function renderLogin(v: LoginView): string {
  const { locale: l } = v;
  return layout(
    l,
    t(l, 'login.title'),
    `<h1>${esc(t(l, 'login.title'))}</h1>
<p class="sub">${esc(t(l, 'login.subtitle', { client: v.clientName }))}</p>
${v.failed ? `<p class="error" role="alert">${esc(t(l, 'login.failed'))}</p>` : ''}
<form method="post" action="/interaction/${esc(v.interactionId)}/login">
${csrfField(v.csrf)}
<label for="username">${esc(t(l, 'login.username'))}</label>
<input type="text" id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${esc(v.login)}" ${v.login ? '' : 'autofocus'}>
<label for="password">${esc(t(l, 'login.password'))}</label>
<input type="password" id="password" name="password" autocomplete="current-password" required ${v.login ? 'autofocus' : ''}>
<button type="submit">${esc(t(l, 'login.submit'))}</button>
</form>
<p class="muted">${esc(t(l, 'login.noAccount'))} <a href="/interaction/${esc(v.interactionId)}/register">${esc(t(l, 'login.register'))}</a></p>`,
  );
}
