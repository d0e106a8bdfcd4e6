import { CookieJar } from './cookie-jar';

export interface PageResponse {
  status: number;
  url: string;
  location?: string;
  body: string;
  headers: Headers;
}

export interface HtmlForm {
  action: string;
  method: string;
  fields: Record<string, string>;
  /** name=value of every submit button. */
  buttons: Array<{ name: string; value: string }>;
  /** input name -> autocomplete token. */
  autocomplete: Record<string, string>;
}

const attr = (tag: string, name: string): string | undefined => {
  const m = new RegExp(`\\s${name}="([^"]*)"`, 'i').exec(tag);
  return m ? decode(m[1]) : undefined;
};

const decode = (s: string) =>
  s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The forms of a page, read the way a browser would submit them. */
export function parseForms(html: string): HtmlForm[] {
  const forms: HtmlForm[] = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const form: HtmlForm = { action: attr(m[1], 'action') ?? '', method: (attr(m[1], 'method') ?? 'get').toLowerCase(), fields: {}, buttons: [], autocomplete: {} };
    for (const input of m[2].matchAll(/<input\b[^>]*>/gi)) {
      const name = attr(input[0], 'name');
      if (!name) continue;
      form.fields[name] = attr(input[0], 'value') ?? '';
      const ac = attr(input[0], 'autocomplete');
      if (ac) form.autocomplete[name] = ac;
    }
    for (const button of m[2].matchAll(/<button\b[^>]*>/gi)) {
      const name = attr(button[0], 'name');
      if (name) form.buttons.push({ name, value: attr(button[0], 'value') ?? '' });
    }
    forms.push(form);
  }
  return forms;
}

/** A browser without a browser: fetch with a cookie jar, redirects followed by hand or on request. */
export class Browserless {
  readonly jar = new CookieJar();
  /** Sent with every request (e.g. the client certificate header a TLS-terminating proxy adds). */
  extraHeaders: Record<string, string> = {};

  constructor(private readonly base: string, private readonly acceptLanguage = 'en') {}

  async request(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<PageResponse> {
    const absolute = new URL(url, this.base).toString();
    // An empty acceptLanguage sends no Accept-Language at all, as some clients do.
    const headers: Record<string, string> = { Accept: 'text/html', ...(this.acceptLanguage ? { 'Accept-Language': this.acceptLanguage } : {}), ...this.extraHeaders };
    const cookie = this.jar.header(absolute);
    if (cookie) headers.Cookie = cookie;
    let body: string | undefined;
    if (init.form) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const res = await fetch(absolute, { method: init.method ?? (init.form ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    this.jar.store(res.headers.getSetCookie());
    const location = res.headers.get('location') ?? undefined;
    return { status: res.status, url: absolute, location: location ? new URL(location, absolute).toString() : undefined, body: await res.text(), headers: res.headers };
  }

  /** Follows redirects while they stay on our origin; returns the first response that leaves it or is not a redirect. */
  async follow(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<PageResponse> {
    let res = await this.request(url, init);
    for (let hops = 0; res.location && hops < 10; hops++) {
      if (new URL(res.location).origin !== new URL(this.base).origin) return res;
      // A client's callback on our origin (the demo's, or a test's `/cb`) ends the journey. Matched on
      // the path's end: a random interaction id may well begin with "cb".
      const path = new URL(res.location).pathname;
      if (path.endsWith('/demo/callback') || path.endsWith('/cb')) return res;
      res = await this.request(res.location);
    }
    return res;
  }

  /** Submits the page's form whose action matches, with the given field values (and button). */
  async submit(page: PageResponse, actionPart: string, values: Record<string, string>, button?: string): Promise<PageResponse> {
    const form = parseForms(page.body).find((f) => f.action.includes(actionPart));
    if (!form) throw new Error(`no form with action ${actionPart} on ${page.url} (status ${page.status}):\n${page.body.slice(0, 500)}`);
    const data: Record<string, string> = { ...form.fields, ...values };
    if (button) {
      const b = form.buttons.find((x) => x.value === button);
      if (!b) throw new Error(`no button ${button}`);
      data[b.name] = b.value;
    }
    return this.follow(new URL(form.action, page.url).toString(), { form: data });
  }
}
