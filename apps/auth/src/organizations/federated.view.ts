import { Locale, t } from '../interaction/i18n';
import { cancelForm, csrfField, esc, layout } from '../interaction/views/html';

/** The company sign-in form of the login page: a work e-mail whose verified domain has an upstream. */
export function renderFederatedForm(l: Locale, interactionId: string, csrf: string, email?: string, error?: string): string {
  return `<h2>${esc(t(l, 'fed.title'))}</h2>
${error ? `<p class="error" role="alert">${esc(error)}</p>` : ''}<form method="post" action="/interaction/${esc(interactionId)}/federated">
${csrfField(csrf)}
<label for="work-email">${esc(t(l, 'fed.email'))}</label>
<input type="email" id="work-email" name="email" autocomplete="email" autocapitalize="none" spellcheck="false" required value="${esc(email)}">
<button type="submit" class="secondary">${esc(t(l, 'fed.submit'))}</button>
</form>`;
}

/** An account already has the upstream's address: its owner proves control before it is linked. */
export function renderLinkPage(v: {
  locale: Locale;
  interactionId: string;
  csrf: string;
  email: string;
  failed?: boolean;
  /** Where the account can get a one-time code instead (its verified e-mail or phone). */
  codes?: Array<{ channel: 'sms' | 'email'; label: string }>;
  /** A code was sent there: ask for it. */
  codeSentTo?: string;
  codeError?: string;
}): string {
  const l = v.locale;
  const id = esc(v.interactionId);
  const codeForm = v.codeSentTo
    ? `<p class="notice" role="status">${esc(t(l, 'fed.linkCodeSent', { destination: v.codeSentTo }))}</p>
${v.codeError ? `<p class="error" role="alert">${esc(v.codeError)}</p>` : ''}<form method="post" action="/interaction/${id}/federated/link/verify">
${csrfField(v.csrf)}
<label for="code">${esc(t(l, 'fed.linkCode'))}</label>
<input type="text" id="code" name="code" autocomplete="one-time-code" inputmode="numeric" required autofocus>
<button type="submit">${esc(t(l, 'fed.linkCodeSubmit'))}</button>
</form>`
    : v.codeError ? `<p class="error" role="alert">${esc(v.codeError)}</p>` : '';
  const sendForms = (v.codes ?? [])
    .map((c) => `<form method="post" action="/interaction/${id}/federated/link/code">
${csrfField(v.csrf)}
<input type="hidden" name="channel" value="${c.channel}">
<button type="submit" class="secondary">${esc(t(l, c.channel === 'email' ? 'fed.linkSendEmail' : 'fed.linkSendSms', { destination: c.label }))}</button>
</form>`)
    .join('\n');
  const codes = codeForm || sendForms ? `<h2>${esc(t(l, 'fed.linkOr'))}</h2>\n${codeForm}\n${sendForms}` : '';
  return layout(
    l,
    t(l, 'fed.linkTitle'),
    `<h1>${esc(t(l, 'fed.linkTitle'))}</h1>
<p class="sub">${esc(t(l, 'fed.linkLead', { email: v.email }))}</p>
${v.failed ? `<p class="error" role="alert">${esc(t(l, 'fed.linkFailed', { email: v.email }))}</p>` : ''}
<form method="post" action="/interaction/${esc(v.interactionId)}/federated/link">
${csrfField(v.csrf)}
<label for="username">${esc(t(l, 'login.username'))}</label>
<input type="text" id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${esc(v.email)}">
<label for="password">${esc(t(l, 'login.password'))}</label>
<input type="password" id="password" name="password" autocomplete="current-password" required ${v.codeSentTo ? '' : 'autofocus'}>
<button type="submit">${esc(t(l, 'fed.linkSubmit'))}</button>
</form>
${codes}
${cancelForm(l, v.interactionId, v.csrf)}`,
  );
}
