import { Locale, t } from '../i18n';

/** HTML escaping for text and attribute values; every interpolated value goes through it. */
export function esc(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** The shell of every page: language, title, the one stylesheet. */
export function layout(lang: string, title: string, body: string): string {
  return `<!doctype html>
<html lang="${esc(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${esc(title)}</title>
<link rel="stylesheet" href="/assets/style.css">
</head>
<body>
<main class="card">
${body}
</main>
</body>
</html>`;
}

/** A hidden CSRF field for a form. */
export function csrfField(token: string): string {
  return `<input type="hidden" name="csrf" value="${esc(token)}">`;
}

export const STYLESHEET = `
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:flex;padding:24px 0;background:#f3f5f8;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b2330}
.card{margin:auto;background:#fff;width:min(440px,94vw);padding:32px;border-radius:12px;box-shadow:0 4px 24px rgba(20,30,50,.08)}
.card.wide{width:min(880px,96vw)}
h1{font-size:1.4rem;margin:0 0 4px}
p.sub{color:#5b6675;margin:0 0 20px}
h2{font-size:1rem;font-weight:600;color:#5b6675;margin:28px 0 0;padding-top:16px;border-top:1px solid #e6eaf0}
label{display:block;font-weight:600;font-size:.9rem;margin:14px 0 6px}
input[type=text],input[type=password],input[type=email],input[type=tel]{width:100%;padding:10px 12px;border:1px solid #c8d0da;border-radius:8px;font-size:1rem}
input:focus{outline:2px solid #2f6fed;border-color:#2f6fed}
button,.button{display:inline-block;margin-top:20px;padding:10px 18px;border-radius:8px;border:0;background:#2f6fed;color:#fff;font-size:1rem;cursor:pointer;text-decoration:none}
button.secondary{background:#e6eaf0;color:#1b2330}
.row{display:flex;gap:12px}
.error{background:#fdecec;color:#9b1c1c;padding:10px 12px;border-radius:8px;margin:12px 0}
.notice{background:#eef4ff;color:#1b3a7a;padding:10px 12px;border-radius:8px;margin:12px 0;font-weight:600}
ul.scopes{padding-left:20px}
pre{background:#f6f8fa;padding:12px;border-radius:8px;overflow:auto;font-size:.85rem}
.muted{color:#5b6675;font-size:.9rem}
textarea{width:100%;padding:10px 12px;border:1px solid #c8d0da;border-radius:8px;font:.85rem ui-monospace,monospace}
pre{white-space:pre-wrap;word-break:break-all}
table.certs{width:100%;border-collapse:collapse;font-size:.85rem}
table.certs td,table.certs th{border-top:1px solid #e6eaf0;padding:6px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
table.certs .dates{white-space:nowrap}
table.certs code{word-break:break-all}
table.certs button{margin-top:0}
button.danger{background:#b42318}
table:not(.certs){width:100%;border-collapse:collapse;font-size:.9rem;margin-top:8px}
table:not(.certs) th,table:not(.certs) td{padding:6px 8px;text-align:left;vertical-align:top;border-bottom:1px solid #e6eaf0}
select,input[type=date]{padding:9px 10px;border:1px solid #c8d0da;border-radius:8px;font-size:1rem}
td form button{margin-top:0}
`;

/** The way out of any interaction step: back to the client with access_denied and where the user stopped. */
export function cancelForm(locale: Locale, interactionId: string, csrf: string): string {
  return `<form method="post" action="/interaction/${esc(interactionId)}/cancel">
${csrfField(csrf)}
<button type="submit" name="decision" value="cancel" class="secondary">${esc(t(locale, 'interaction.cancel'))}</button>
</form>`;
}
