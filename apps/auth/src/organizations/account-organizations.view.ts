import { ORG_ROLES, OrgInvitation, OrgRole } from '@idp/contracts';
import { wideLayout } from '../account/views/account.view';
import { Locale, MessageKey, t } from '../interaction/i18n';
import { csrfField, esc } from '../interaction/views/html';

export interface OrgPageEntry {
  id: string;
  name: string;
  role: OrgRole;
  members?: Array<{ sub: string; role: OrgRole; name: string | null; email: string | null }>;
  invitations?: OrgInvitation[];
  domains?: Array<{ domain: string; verified: boolean; verification_token: string; dns_txt_record: string; http_file_url: string }>;
  upstream_providers?: Array<{ id: string; name: string; discovery_url: string | null; client_id: string; redirect_uri: string }>;
}

const roleName = (l: Locale, r: OrgRole) => t(l, `org.role.${r}` as MessageKey);

function post(action: string, csrf: string, inner: string, cls = ''): string {
  return `<form method="post" action="${esc(action)}"${cls ? ` class="${cls}"` : ''}>\n${csrfField(csrf)}\n${inner}\n</form>`;
}

function roleSelect(l: Locale, name: string, selected: OrgRole, mine: OrgRole, id: string): string {
  const options = ORG_ROLES.filter((r) => r !== 'owner' || mine === 'owner').map((r) => `<option value="${r}"${r === selected ? ' selected' : ''}>${esc(roleName(l, r))}</option>`);
  return `<label for="${esc(id)}">${esc(t(l, 'org.role'))}</label>\n<select id="${esc(id)}" name="${name}">${options.join('')}</select>`;
}

function manage(l: Locale, csrf: string, o: OrgPageEntry): string {
  const base = `/account/organizations/${o.id}`;
  const members = (o.members ?? [])
    .map((m) => {
      const who = esc([m.name, m.email].filter(Boolean).join(' · ') || m.sub);
      const editable = m.role !== 'owner' || o.role === 'owner';
      return `<li>${who}: ${esc(roleName(l, m.role))}${editable
        ? `${post(`${base}/members/${m.sub}/role`, csrf, `${roleSelect(l, 'role', m.role, o.role, `role-${m.sub}`)}\n<button type="submit" class="secondary">${esc(t(l, 'org.setRole'))}</button>`)}
${post(`${base}/members/${m.sub}/remove`, csrf, `<button type="submit" class="danger">${esc(t(l, 'org.remove'))}</button>`)}`
        : ''}</li>`;
    })
    .join('\n');
  const invitations = (o.invitations ?? []).map((i) => `<li>${esc(i.email ?? i.phone)}: ${esc(roleName(l, i.role))}${i.accepted_at ? ` (${esc(t(l, 'org.accepted'))})` : ''}</li>`).join('\n');
  const domains = (o.domains ?? [])
    .map((d) => `<li><strong>${esc(d.domain)}</strong>: ${d.verified
      ? esc(t(l, 'org.verified'))
      : `${esc(t(l, 'org.publish', { record: d.dns_txt_record, domain: d.domain, token: d.verification_token, url: d.http_file_url }))}
${post(`${base}/domains/${d.domain}/verify`, csrf, `<button type="submit" class="secondary">${esc(t(l, 'org.verify'))}</button>`)}`}
${post(`${base}/domains/${d.domain}/remove`, csrf, `<button type="submit" class="danger">${esc(t(l, 'org.remove'))}</button>`)}</li>`)
    .join('\n');
  const provider = o.upstream_providers?.[0];
  const providerForm = post(`${base}/provider`, csrf, `${provider ? `<input type="hidden" name="provider_id" value="${esc(provider.id)}">` : ''}
<label for="provider-name-${o.id}">${esc(t(l, 'org.providerName'))}</label>
<input type="text" id="provider-name-${o.id}" name="name" value="${esc(provider?.name)}" maxlength="200">
<label for="discovery-${o.id}">${esc(t(l, 'org.discoveryUrl'))}</label>
<input type="url" id="discovery-${o.id}" name="discovery_url" value="${esc(provider?.discovery_url)}" required>
<label for="client-id-${o.id}">${esc(t(l, 'org.clientId'))}</label>
<input type="text" id="client-id-${o.id}" name="client_id" value="${esc(provider?.client_id)}" required autocomplete="off">
<label for="client-secret-${o.id}">${esc(t(l, 'org.clientSecret'))}</label>
<input type="password" id="client-secret-${o.id}" name="client_secret" autocomplete="new-password" ${provider ? '' : 'required'}>
${provider ? `<p class="muted">${esc(t(l, 'org.secretKept'))}</p>` : ''}
<button type="submit">${esc(t(l, 'org.save'))}</button>`);
  return `<h3>${esc(t(l, 'org.members'))}</h3>
<ul>${members}</ul>
${post(`${base}/invitations`, csrf, `<label for="invite-email-${o.id}">${esc(t(l, 'org.inviteEmail'))}</label>
<input type="email" id="invite-email-${o.id}" name="email" autocomplete="off">
<label for="invite-phone-${o.id}">${esc(t(l, 'org.invitePhone'))}</label>
<input type="tel" id="invite-phone-${o.id}" name="phone" autocomplete="off">
${roleSelect(l, 'role', 'member', o.role, `invite-role-${o.id}`)}
<button type="submit" class="secondary">${esc(t(l, 'org.invite'))}</button>`)}
${invitations ? `<h3>${esc(t(l, 'org.invitations'))}</h3>\n<ul>${invitations}</ul>` : ''}
<h3>${esc(t(l, 'org.domains'))}</h3>
<ul>${domains}</ul>
${post(`${base}/domains`, csrf, `<label for="domain-${o.id}">${esc(t(l, 'org.domain'))}</label>
<input type="text" id="domain-${o.id}" name="domain" required autocapitalize="none" spellcheck="false">
<button type="submit" class="secondary">${esc(t(l, 'org.claim'))}</button>`)}
<h3>${esc(t(l, 'org.provider'))}</h3>
${provider ? `<p class="muted">${esc(t(l, 'org.redirectUri', { uri: provider.redirect_uri }))}</p>` : ''}
${providerForm}
${provider ? post(`${base}/provider/remove`, csrf, `<input type="hidden" name="provider_id" value="${esc(provider.id)}">\n<button type="submit" class="danger">${esc(t(l, 'org.removeProvider'))}</button>`) : ''}`;
}

/** The cabinet's organisations page: each organisation the person is in; the management forms for owners and admins. */
export function renderAccountOrganizations(v: { locale: Locale; csrf: string; orgs: OrgPageEntry[]; notice?: string; error?: string }): string {
  const l = v.locale;
  const sections = v.orgs
    .map((o) => `<section id="org-${esc(o.id)}">
<h2>${esc(o.name)}</h2>
<p class="sub">${esc(t(l, 'org.yourRole', { role: roleName(l, o.role) }))}</p>
${o.members ? manage(l, v.csrf, o) : ''}
${post(`/account/organizations/${o.id}/leave`, v.csrf, `<button type="submit" class="danger">${esc(t(l, 'org.leave'))}</button>`)}
</section>`)
    .join('\n');
  return wideLayout(
    l,
    t(l, 'org.title'),
    `<h1>${esc(t(l, 'org.title'))}</h1>
<nav class="muted"><a href="/account">${esc(t(l, 'account.title'))}</a></nav>
${v.notice ? `<p class="notice" role="status">${esc(v.notice)}</p>` : ''}
${v.error ? `<p class="error" role="alert">${esc(v.error)}</p>` : ''}
${sections || `<p>${esc(t(l, 'org.none'))}</p>`}`,
  );
}
