import { Locale, MessageKey, t } from '../interaction/i18n';
import { esc, layout } from '../interaction/views/html';

export function renderDeviceEntry(l: Locale, csrf: string, opts: { value?: string; error?: string } = {}): string {
  return layout(
    l,
    t(l, 'device.title'),
    `<h1>${esc(t(l, 'device.title'))}</h1>
<p class="sub">${esc(t(l, 'device.lead'))}</p>
${opts.error ? `<p class="error" role="alert">${esc(opts.error)}</p>` : ''}
<form method="post" action="/device">
<input type="hidden" name="csrf" value="${esc(csrf)}">
<label for="user_code">${esc(t(l, 'device.code'))}</label>
<input type="text" id="user_code" name="user_code" autocomplete="one-time-code" autocapitalize="characters" spellcheck="false" required maxlength="64" placeholder="XXXX-XXXX" value="${esc(opts.value)}" autofocus>
<button type="submit">${esc(t(l, 'device.submit'))}</button>
</form>`,
  );
}

/** The end pages: done, denied, expired. */
export function renderDeviceOutcome(l: Locale, title: MessageKey, message: MessageKey, vars: Record<string, string> = {}): string {
  return layout(l, t(l, title), `<h1>${esc(t(l, title))}</h1>\n<p id="outcome">${esc(t(l, message, vars))}</p>`);
}
