import { Locale, t } from '../interaction/i18n';
import { cancelForm, csrfField, esc, layout } from '../interaction/views/html';

export interface CertificateLoginView {
  locale: Locale;
  interactionId: string;
  csrf: string;
  clientName: string;
  /** Subject of the certificate a trusted proxy presented, when there is one. */
  proxySubject?: string;
  error?: string;
  certificate?: string;
}

/** The certificate way in: the proxy's certificate (mTLS), or a pasted one answered with the desktop helper. */
export function renderCertificateLogin(v: CertificateLoginView): string {
  const l = v.locale;
  const id = esc(v.interactionId);
  const proxy = v.proxySubject
    ? `<p>${esc(t(l, 'cert.proxyLead', { subject: v.proxySubject }))}</p>
<form method="post" action="/interaction/${id}/certificate/proxy">
${csrfField(v.csrf)}
<button type="submit">${esc(t(l, 'cert.proxyContinue'))}</button>
</form>
<h2>${esc(t(l, 'cert.or'))}</h2>`
    : '';
  return layout(
    l,
    t(l, 'cert.title'),
    `<h1>${esc(t(l, 'cert.title'))}</h1>
<p class="sub">${esc(t(l, 'login.subtitle', { client: v.clientName }))}</p>
${v.error ? `<p class="error" role="alert">${esc(v.error)}</p>` : ''}
${proxy}
<form method="post" action="/interaction/${id}/certificate/challenge">
${csrfField(v.csrf)}
<p class="muted">${esc(t(l, 'cert.pasteLead'))}</p>
<label for="certificate">${esc(t(l, 'cert.certificate'))}</label>
<textarea id="certificate" name="certificate" rows="8" spellcheck="false" required>${esc(v.certificate)}</textarea>
<button type="submit">${esc(t(l, 'cert.getChallenge'))}</button>
</form>
${cancelForm(l, v.interactionId, v.csrf)}`,
  );
}

export interface ChallengeView {
  locale: Locale;
  title: string;
  /** Where the decrypted key goes. */
  action: string;
  csrf: string;
  challengeId: string;
  jwe: string;
  sha1: string;
  error?: string;
  extra?: string;
}

/** The challenge (a compact JWE) and the field for the key the desktop helper decrypted from it. */
export function renderChallenge(v: ChallengeView): string {
  const l = v.locale;
  return layout(
    l,
    v.title,
    `<h1>${esc(v.title)}</h1>
${v.error ? `<p class="error" role="alert">${esc(v.error)}</p>` : ''}
<p>${esc(t(l, 'cert.challengeLead'))}</p>
<p class="muted">${esc(t(l, 'cert.thumbprint'))}: <code id="thumbprint">${esc(v.sha1)}</code></p>
<p><strong>${esc(t(l, 'cert.challenge'))}</strong></p>
<pre id="challenge">${esc(v.jwe)}</pre>
<form method="post" action="${esc(v.action)}">
${csrfField(v.csrf)}
<input type="hidden" name="challenge_id" value="${esc(v.challengeId)}">
<label for="decrypted_key">${esc(t(l, 'cert.decryptedKey'))}</label>
<input type="text" id="decrypted_key" name="decrypted_key" autocomplete="off" spellcheck="false" required autofocus>
<button type="submit">${esc(t(l, 'cert.verify'))}</button>
</form>
${v.extra ?? ''}`,
  );
}
