import { Locale, MessageKey, t } from '../interaction/i18n';
import { csrfField, esc } from '../interaction/views/html';
import { wideLayout } from '../account/views/account.view';
import { CapabilityRequest, CAPABILITY_NAMES } from './capability-requests.service';
import { SecretView } from './client-secrets.service';
import { UsageDay } from './client-usage.service';
import { DeveloperApp, Member } from './developer-apps.service';
import { LIFETIME_LIMITS } from './developer-metadata';

const GRANTS = ['authorization_code', 'refresh_token', 'client_credentials', 'urn:ietf:params:oauth:grant-type:device_code', 'implicit'];
const AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'];
/** The grace periods the page offers (seconds); the API takes any value up to 7 days. */
export const GRACE_CHOICES: Array<[number, MessageKey]> = [[0, 'dev.grace.0'], [3600, 'dev.grace.1h'], [86400, 'dev.grace.24h'], [604800, 'dev.grace.7d']];

const date = (iso: string | null) => (iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : '');
const tx = (l: Locale, key: MessageKey, vars?: Record<string, string>) => esc(t(l, key, vars));

function post(action: string, csrf: string, inner: string, attrs = ''): string {
  return `<form method="post" action="${esc(action)}"${attrs}>\n${csrfField(csrf)}\n${inner}\n</form>`;
}

function messages(l: Locale, notice?: string, error?: string): string {
  return (notice ? `<p class="notice" role="status">${esc(notice)}</p>` : '') + (error ? `<p class="error" role="alert" id="error">${esc(error)}</p>` : '');
}

function page(l: Locale, title: string, body: string): string {
  return wideLayout(l, title, `<h1>${esc(title)}</h1>
<nav class="muted"><a href="/developers">${tx(l, 'dev.apps')}</a> · <a href="/account">${tx(l, 'account.title')}</a></nav>
${body}`);
}

function select(name: string, label: string, options: Array<[string, string]>, value: string | undefined): string {
  return `<label for="${name}">${esc(label)}</label>
<select id="${name}" name="${name}">${options.map(([v, text]) => `<option value="${esc(v)}"${v === (value ?? '') ? ' selected' : ''}>${esc(text)}</option>`).join('')}</select>`;
}

/** The metadata form, for a new application and for editing one. */
function metadataForm(l: Locale, m: Partial<DeveloperApp['metadata']>): string {
  const input = (name: string, key: MessageKey, value: unknown, type = 'text', extra = '') =>
    `<label for="${name}">${tx(l, key)}</label>\n<input type="${type}" id="${name}" name="${name}" value="${esc(value ?? '')}" ${extra}>`;
  const area = (name: string, key: MessageKey, value: string[] | undefined) =>
    `<label for="${name}">${tx(l, key)}</label>\n<textarea id="${name}" name="${name}" rows="3">${esc((value ?? []).join('\n'))}</textarea>`;
  const grants = GRANTS.map((g) => `<label><input type="checkbox" name="grant_types" value="${esc(g)}"${(m.grant_types ?? ['authorization_code']).includes(g as never) ? ' checked' : ''}> <code>${esc(g)}</code></label>`).join('\n');
  const methods = AUTH_METHODS.map((x): [string, string] => [x, x]);
  const same: [string, string] = ['', t(l, 'dev.sameAsToken')];
  return `${input('client_name', 'dev.name', m.client_name, 'text', 'required maxlength="200"')}
${input('client_uri', 'dev.clientUri', m.client_uri, 'url')}
${input('logo_uri', 'dev.logoUri', m.logo_uri, 'url')}
${area('redirect_uris', 'dev.redirectUris', m.redirect_uris)}
${area('post_logout_redirect_uris', 'dev.postLogout', m.post_logout_redirect_uris)}
<fieldset><legend>${tx(l, 'dev.grantTypes')}</legend>
${grants}
</fieldset>
${area('response_types', 'dev.responseTypes', m.response_types ?? ['code'])}
${select('token_endpoint_auth_method', t(l, 'dev.authMethod'), methods, m.token_endpoint_auth_method ?? 'client_secret_basic')}
${select('introspection_endpoint_auth_method', t(l, 'dev.introspectionAuth'), [same, ...methods], m.introspection_endpoint_auth_method)}
${select('revocation_endpoint_auth_method', t(l, 'dev.revocationAuth'), [same, ...methods], m.revocation_endpoint_auth_method)}
${select('subject_type', t(l, 'dev.subjectType'), [['public', 'public'], ['pairwise', 'pairwise']], m.subject_type ?? 'public')}
${select('application_type', t(l, 'dev.appType'), [['web', 'web'], ['native', 'native']], m.application_type ?? 'web')}
${input('scope', 'dev.scope', m.scope ?? 'openid profile')}
${input('access_token_ttl', 'dev.accessTtl', m.access_token_ttl, 'number', `min="60" max="${LIFETIME_LIMITS.access_token_ttl}"`)}
${input('id_token_ttl', 'dev.idTtl', m.id_token_ttl, 'number', `min="60" max="${LIFETIME_LIMITS.id_token_ttl}"`)}
${input('refresh_token_ttl', 'dev.refreshTtl', m.refresh_token_ttl, 'number', `min="60" max="${LIFETIME_LIMITS.refresh_token_ttl}"`)}`;
}

export function renderDevelopersHome(v: { locale: Locale; csrf: string; apps: DeveloperApp[]; notice?: string; error?: string; form?: Partial<DeveloperApp['metadata']> }): string {
  const l = v.locale;
  const list = v.apps.length
    ? `<ul id="apps">${v.apps.map((a) => `<li data-client="${esc(a.clientId)}"><a href="/developers/apps/${encodeURIComponent(a.clientId)}"><strong>${esc(a.metadata.client_name)}</strong></a> <span class="muted"><code>${esc(a.clientId)}</code> · ${esc(t(l, a.role === 'owner' ? 'dev.owner' : 'dev.member'))}</span></li>`).join('\n')}</ul>`
    : `<p class="muted">${tx(l, 'dev.none')}</p>`;
  return page(l, t(l, 'dev.title'), `<p class="muted">${tx(l, 'dev.lead')}</p>
${messages(l, v.notice, v.error)}
<h2 id="apps-section">${tx(l, 'dev.apps')}</h2>
${list}
<h2 id="create">${tx(l, 'dev.create')}</h2>
${post('/developers/apps', v.csrf, `${metadataForm(l, v.form ?? {})}\n<button type="submit" id="create-app">${tx(l, 'dev.createSubmit')}</button>`)}`);
}

export interface AppPage {
  locale: Locale;
  csrf: string;
  app: DeveloperApp;
  secrets: SecretView[];
  capabilities: CapabilityRequest[];
  members: Member[];
  usage: UsageDay[];
  /** A secret issued just now: shown this once. */
  newSecret?: string;
  notice?: string;
  error?: string;
}

export function renderDeveloperApp(v: AppPage): string {
  const { locale: l, app } = v;
  const base = `/developers/apps/${encodeURIComponent(app.clientId)}`;
  const secretStatus = (s: SecretView) =>
    s.status === 'grace' ? t(l, 'dev.secret.grace', { until: date(s.expires_at) }) : t(l, `dev.secret.${s.status}` as MessageKey);
  const secrets = v.secrets.map((s) => `<tr data-secret="${esc(s.id)}" data-status="${s.status}"><td>${esc(date(s.created_at))}</td><td>${esc(secretStatus(s))}</td><td>${esc(s.last_used_at ? t(l, 'dev.lastUsed', { at: date(s.last_used_at) }) : t(l, 'dev.neverUsed'))}</td>
<td>${s.status === 'current' || s.status === 'grace' ? post(`${base}/secrets/revoke`, v.csrf, `<input type="hidden" name="secret_id" value="${esc(s.id)}"><button type="submit" class="secondary">${tx(l, 'dev.revoke')}</button>`) : ''}</td></tr>`).join('\n');
  const grace = GRACE_CHOICES.map(([s, key]) => [String(s), t(l, key)] as [string, string]);
  const jwks = app.metadata.jwks ? JSON.stringify(app.metadata.jwks, null, 2) : '';
  const status = (c: (typeof CAPABILITY_NAMES)[number]) => v.capabilities.find((r) => r.capability === c);
  const capabilities = CAPABILITY_NAMES.map((c) => {
    const last = status(c);
    const state = last ? `<span class="muted" data-capability-status="${esc(last.status)}">${tx(l, `dev.status.${last.status}` as MessageKey)}</span>` : '';
    const ask = !last || last.status === 'rejected'
      ? post(`${base}/capabilities`, v.csrf, `<input type="hidden" name="capability" value="${c}"><button type="submit" class="secondary" id="request-${c}">${tx(l, 'dev.request')}</button>`)
      : '';
    return `<li data-capability="${c}">${tx(l, `dev.capability.${c}` as MessageKey)} ${state}\n${ask}</li>`;
  }).join('\n');
  const members = v.members.map((m) => `<li data-member="${esc(m.user_id)}">${esc(m.login ?? m.user_id)} <span class="muted">${tx(l, m.role === 'owner' ? 'dev.owner' : 'dev.member')}</span>
${m.role === 'member' && app.role === 'owner' ? post(`${base}/members/remove`, v.csrf, `<input type="hidden" name="user_id" value="${esc(m.user_id)}"><button type="submit" class="secondary">${tx(l, 'dev.remove')}</button>`) : ''}</li>`).join('\n');
  const usage = v.usage.map((d) => `<tr><td>${esc(d.day)}</td><td>${d.requests}</td><td>${d.errors}</td></tr>`).join('\n');
  return page(l, app.metadata.client_name, `${app.metadata.logo_uri ? `<p><img src="${esc(app.metadata.logo_uri)}" alt="${tx(l, 'dev.logo')}" height="64" id="logo"></p>` : ''}
<p>${tx(l, 'dev.clientId')}: <code id="client-id">${esc(app.clientId)}</code></p>
${v.newSecret ? `<div class="notice" id="new-secret-box"><p>${tx(l, 'dev.newSecret')}</p><p><code id="new-secret">${esc(v.newSecret)}</code></p></div>` : ''}
${messages(l, v.notice, v.error)}
<h2 id="settings">${tx(l, 'dev.settings')}</h2>
${post(`${base}/edit`, v.csrf, `${metadataForm(l, app.metadata)}\n<button type="submit" id="save-app">${tx(l, 'dev.save')}</button>`)}
<h2 id="secrets">${tx(l, 'dev.secrets')}</h2>
${post(`${base}/secrets`, v.csrf, `${select('grace_seconds', t(l, 'dev.grace'), grace, '86400')}\n<button type="submit" id="issue-secret">${tx(l, 'dev.issueSecret')}</button>`)}
<table id="secret-list"><tbody>${secrets}</tbody></table>
<h2 id="keys">${tx(l, 'dev.keys')}</h2>
<p class="muted">${tx(l, 'dev.keysHint')}</p>
${post(`${base}/keys`, v.csrf, `<label for="jwks">${tx(l, 'dev.jwks')}</label>
<textarea id="jwks" name="jwks" rows="6">${esc(jwks)}</textarea>
<label for="jwks_uri">${tx(l, 'dev.jwksUri')}</label>
<input type="url" id="jwks_uri" name="jwks_uri" value="${esc(app.metadata.jwks_uri ?? '')}">
<button type="submit" class="secondary">${tx(l, 'dev.save')}</button>`)}
<h2 id="logo-section">${tx(l, 'dev.logo')}</h2>
${post(`${base}/logo`, v.csrf, `<label for="logo-file">${tx(l, 'dev.logoHint')}</label>
<input type="file" id="logo-file" name="logo" accept="image/png,image/jpeg,image/webp" required>
<button type="submit" class="secondary">${tx(l, 'dev.upload')}</button>`, ' enctype="multipart/form-data"')}
<h2 id="capabilities">${tx(l, 'dev.capabilities')}</h2>
<ul>${capabilities}</ul>
<h2 id="team">${tx(l, 'dev.team')}</h2>
<ul id="members">${members}</ul>
${app.role === 'owner' ? post(`${base}/members`, v.csrf, `<label for="identifier">${tx(l, 'dev.teamHint')}</label>
<input type="text" id="identifier" name="identifier" required autocapitalize="none" spellcheck="false">
<button type="submit" class="secondary">${tx(l, 'dev.addMember')}</button>`) : ''}
<h2 id="usage">${tx(l, 'dev.usage')}</h2>
<table id="usage-table"><thead><tr><th>${tx(l, 'dev.usageDay')}</th><th>${tx(l, 'dev.usageRequests')}</th><th>${tx(l, 'dev.usageErrors')}</th></tr></thead><tbody>
${usage}
</tbody></table>
${app.role === 'owner' ? `<h2 id="delete">${tx(l, 'dev.delete')}</h2>
${post(`${base}/delete`, v.csrf, `<label><input type="checkbox" name="confirm" value="yes" required> ${tx(l, 'dev.deleteConfirm')}</label>
<button type="submit" class="danger">${tx(l, 'dev.delete')}</button>`)}` : ''}`);
}

export function renderDevelopersMessage(l: Locale, text: string): string {
  return page(l, t(l, 'dev.title'), `<p>${esc(text)}</p>`);
}
