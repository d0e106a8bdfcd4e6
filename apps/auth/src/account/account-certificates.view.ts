import { BoundCertificate } from '@idp/contracts';
import { Locale, t } from '../interaction/i18n';
import { csrfField, esc, layout } from '../interaction/views/html';

export interface AccountCertificatesView {
  locale: Locale;
  csrf: string;
  certificates: BoundCertificate[];
  notice?: string;
  error?: string;
  certificate?: string;
  /** Subject of the certificate a trusted proxy presented, when it is not bound yet. */
  proxySubject?: string;
}

const day = (iso: string) => iso.slice(0, 10);

/** The cabinet's certificates: each bound one with its thumbprints, a way to remove it, and a way to bind another. */
export function renderAccountCertificates(v: AccountCertificatesView): string {
  const l = v.locale;
  const rows = v.certificates
    .map(
      (c) => `<tr>
<td>${esc(c.subject)}</td>
<td>${esc(c.issuer)}</td>
<td class="dates">${esc(day(c.not_before))}<br>${esc(day(c.not_after))}</td>
<td><span class="muted">SHA-1</span> <code class="sha1">${esc(c.sha1)}</code><br><span class="muted">SHA-256</span> <code class="sha256">${esc(c.sha256)}</code></td>
<td><form method="post" action="/account/certificates/${esc(c.id)}/remove">${csrfField(v.csrf)}<button type="submit" class="secondary">${esc(t(l, 'certs.remove'))}</button></form></td>
</tr>`,
    )
    .join('\n');
  const table = v.certificates.length
    ? `<table class="certs">
<thead><tr><th>${esc(t(l, 'certs.subject'))}</th><th>${esc(t(l, 'certs.issuer'))}</th><th>${esc(t(l, 'certs.validity'))}</th><th>SHA-1 / SHA-256</th><th></th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`
    : `<p class="muted">${esc(t(l, 'certs.none'))}</p>`;
  return layout(
    l,
    t(l, 'certs.title'),
    `<h1>${esc(t(l, 'certs.title'))}</h1>
<p class="sub">${esc(t(l, 'certs.lead'))}</p>
${v.notice ? `<p class="notice" role="status">${esc(v.notice)}</p>` : ''}
${v.error ? `<p class="error" role="alert">${esc(v.error)}</p>` : ''}
${table}
<h2>${esc(t(l, 'certs.add'))}</h2>
${
  v.proxySubject
    ? `<p>${esc(t(l, 'cert.proxyLead', { subject: v.proxySubject }))}</p>
<form method="post" action="/account/certificates/proxy">${csrfField(v.csrf)}<button type="submit">${esc(t(l, 'certs.bindPresented'))}</button></form>
<h2>${esc(t(l, 'cert.or'))}</h2>`
    : ''
}
<form method="post" action="/account/certificates">
${csrfField(v.csrf)}
<p class="muted">${esc(t(l, 'cert.pasteLead'))}</p>
<label for="certificate">${esc(t(l, 'cert.certificate'))}</label>
<textarea id="certificate" name="certificate" rows="8" spellcheck="false" required>${esc(v.certificate)}</textarea>
<button type="submit">${esc(t(l, 'cert.getChallenge'))}</button>
</form>`,
  ).replace('<main class="card">', '<main class="card wide">');
}
