import { Locale, t } from '../i18n';
import { cancelForm, csrfField, esc, layout } from './html';

export interface LoginView {
  locale: Locale;
  interactionId: string;
  csrf: string;
  clientName: string;
  login?: string;
  failed?: boolean;
  /** A message above the password form (e.g. too many attempts). */
  error?: string;
  /** Good news above the forms (the password was reset). */
  notice?: string;
  /** Which ways in the client allows (its allowed_login_methods). */
  methods: { password: boolean; phone: boolean; email: boolean; certificate?: boolean; federated?: boolean };
  /** Values and errors of the one-time code forms. */
  phone?: string;
  email?: string;
  otpError?: { channel: 'sms' | 'email'; message: string };
  /** The company sign-in form (home-realm discovery by e-mail domain), rendered by the organisations area. */
  federatedForm?: string;
}

export function renderLogin(v: LoginView): string {
  const { locale: l } = v;
  const id = esc(v.interactionId);
  const otpError = (channel: 'sms' | 'email') =>
    v.otpError?.channel === channel ? `<p class="error" role="alert">${esc(v.otpError.message)}</p>` : '';
  const password = v.methods.password
    ? `${v.failed ? `<p class="error" role="alert">${esc(t(l, 'login.failed'))}</p>` : ''}${v.error ? `<p class="error" role="alert">${esc(v.error)}</p>` : ''}
<form method="post" action="/interaction/${id}/login">
${csrfField(v.csrf)}
<label for="username">${esc(t(l, 'login.username'))}</label>
<input type="text" id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${esc(v.login)}" ${v.login || v.otpError ? '' : 'autofocus'}>
${v.methods.federated ? `<p class="muted" id="company-hint">${esc(t(l, 'login.companyHint'))}</p>\n` : ''}<label for="password">${esc(t(l, 'login.password'))}</label>
<input type="password" id="password" name="password" autocomplete="current-password" ${v.methods.federated ? '' : 'required '}${v.login ? 'autofocus' : ''}>
<button type="submit">${esc(t(l, 'login.submit'))}</button>
</form>
<p class="muted"><a href="/interaction/${id}/recovery" id="forgot-password">${esc(t(l, 'login.forgot'))}</a></p>`
    : '';
  const phone = v.methods.phone
    ? `${otpError('sms')}<form method="post" action="/interaction/${id}/otp/phone">
${csrfField(v.csrf)}
<label for="phone">${esc(t(l, 'otp.phone'))}</label>
<input type="tel" id="phone" name="phone" autocomplete="tel" inputmode="tel" required value="${esc(v.phone)}" ${v.otpError?.channel === 'sms' ? 'autofocus' : ''}>
<button type="submit" class="secondary">${esc(t(l, 'otp.sendSms'))}</button>
</form>`
    : '';
  const email = v.methods.email
    ? `${otpError('email')}<form method="post" action="/interaction/${id}/otp/email">
${csrfField(v.csrf)}
<label for="email">${esc(t(l, 'otp.email'))}</label>
<input type="email" id="email" name="email" autocomplete="email" autocapitalize="none" spellcheck="false" required value="${esc(v.email)}" ${v.otpError?.channel === 'email' ? 'autofocus' : ''}>
<button type="submit" class="secondary">${esc(t(l, 'otp.sendEmail'))}</button>
</form>`
    : '';
  const codes = phone || email ? `${password ? `<h2>${esc(t(l, 'login.or'))}</h2>` : ''}${phone}${email}` : '';
  return layout(
    l,
    t(l, 'login.title'),
    `<h1>${esc(t(l, 'login.title'))}</h1>
<p class="sub">${esc(t(l, 'login.subtitle', { client: v.clientName }))}</p>
${v.notice ? `<p class="notice" role="status">${esc(v.notice)}</p>` : ''}
${password}
${codes}
${v.methods.certificate ? `${password || codes ? `<h2>${esc(t(l, 'cert.or'))}</h2>` : ''}<p><a class="button" id="certificate-login" href="/interaction/${id}/certificate">${esc(t(l, 'cert.signIn'))}</a></p>` : ''}
${v.federatedForm ?? ''}
${v.methods.password ? `<p class="muted">${esc(t(l, 'login.noAccount'))} <a href="/interaction/${id}/register">${esc(t(l, 'login.register'))}</a></p>` : ''}
${cancelForm(l, v.interactionId, v.csrf)}`,
  );
}
