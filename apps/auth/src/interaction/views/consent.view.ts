import { Locale, t } from '../i18n';
import { cancelForm, csrfField, esc, layout } from './html';

export interface ConsentView {
  locale: Locale;
  interactionId: string;
  csrf: string;
  clientName: string;
  logoUri?: string;
  userLabel: string;
  /** Plain-language lines, one per scope asked for. */
  items: string[];
  /** For a device approval: the code the device should show. */
  deviceCheck?: string;
}

export function renderConsent(v: ConsentView): string {
  const { locale: l } = v;
  return layout(
    l,
    t(l, 'consent.title', { client: v.clientName }),
    `${v.logoUri ? `<img src="${esc(v.logoUri)}" alt="" width="48" height="48">` : ''}
<h1>${esc(t(l, 'consent.title', { client: v.clientName }))}</h1>
<p class="sub">${esc(t(l, 'consent.signedInAs', { user: v.userLabel }))}</p>
${v.deviceCheck ? `<p class="notice" id="device-check">${esc(v.deviceCheck)}</p>` : ''}
<p>${esc(t(l, 'consent.lead'))}</p>
<ul class="scopes">${v.items.map((i) => `<li>${esc(i)}</li>`).join('')}</ul>
<form method="post" action="/interaction/${esc(v.interactionId)}/consent">
${csrfField(v.csrf)}
<div class="row">
<button type="submit" name="decision" value="allow">${esc(t(l, 'consent.allow'))}</button>
<button type="submit" name="decision" value="deny" class="secondary">${esc(t(l, 'consent.deny'))}</button>
</div>
</form>
${cancelForm(l, v.interactionId, v.csrf)}`,
  );
}
