import { Locale, t } from '../i18n';
import { esc, layout } from './html';

export function renderErrorPage(locale: Locale, message: string, code?: string): string {
  return layout(
    locale,
    t(locale, 'error.title'),
    `<h1>${esc(t(locale, 'error.title'))}</h1>
<p class="error" role="alert">${esc(message)}</p>
${code ? `<p class="muted">${esc(code)}</p>` : ''}
<p class="muted">${esc(t(locale, 'error.back'))}</p>`,
  );
}
