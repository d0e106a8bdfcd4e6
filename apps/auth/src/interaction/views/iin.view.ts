import { Locale, t } from '../i18n';
import { cancelForm, csrfField, esc, layout } from './html';

export interface IinView {
  locale: Locale;
  interactionId: string;
  csrf: string;
  clientName: string;
  /** The IIN to show: the client's (locked when signed) or what the person typed. */
  iin?: string;
  locked: boolean;
  /** The account has another IIN than the signed one: only cancelling is left. */
  mismatch?: boolean;
  error?: string;
}

/** Confirming the client's signed IIN, or typing one, before it is saved to the account. */
export function renderIin(v: IinView): string {
  const { locale: l } = v;
  const vars = { client: v.clientName, iin: v.iin ?? '' };
  const form = v.mismatch
    ? `<p class="error" role="alert" id="iin-mismatch">${esc(t(l, 'iin.mismatch', vars))}</p>`
    : `<p class="sub">${esc(t(l, v.locked ? 'iin.leadLocked' : 'iin.leadEdit', vars))}</p>
${v.error ? `<p class="error" role="alert" id="iin-error">${esc(v.error)}</p>` : ''}
<form method="post" action="/interaction/${esc(v.interactionId)}/iin">
${csrfField(v.csrf)}
<label for="iin">${esc(t(l, 'iin.label'))}</label>
<input type="text" id="iin" name="iin" inputmode="numeric" pattern="[0-9]{12}" maxlength="12" required value="${esc(v.iin)}"${v.locked ? ' readonly' : ' autofocus'}>
<button type="submit">${esc(t(l, 'iin.confirm'))}</button>
</form>`;
  return layout(l, t(l, 'iin.title'), `<h1>${esc(t(l, 'iin.title'))}</h1>
${form}
${cancelForm(l, v.interactionId, v.csrf)}`);
}
