import { Locale, t } from '../interaction/i18n';
import { csrfField, esc, layout } from '../interaction/views/html';

export function renderLogoutConfirm(l: Locale, csrf: string, clientName: string, carry: Record<string, string | undefined>): string {
  const hidden = Object.entries(carry)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
    .join('\n');
  return layout(
    l,
    t(l, 'logout.title'),
    `<h1>${esc(t(l, 'logout.title'))}</h1>
<p class="sub">${esc(t(l, 'logout.lead', { client: clientName }))}</p>
<form method="post" action="/connect/endsession/confirm">
${csrfField(csrf)}
${hidden}
<div class="row">
<button type="submit" name="decision" value="logout">${esc(t(l, 'logout.confirm'))}</button>
<button type="submit" name="decision" value="stay" class="secondary">${esc(t(l, 'logout.cancel'))}</button>
</div>
</form>`,
  );
}

export function renderLoggedOut(l: Locale): string {
  return layout(l, t(l, 'logout.doneTitle'), `<h1>${esc(t(l, 'logout.doneTitle'))}</h1>\n<p id="logged-out">${esc(t(l, 'logout.done'))}</p>`);
}
