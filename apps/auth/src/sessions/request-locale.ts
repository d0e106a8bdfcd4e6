/**
 * The language saved by the user of the SSO session a request looked up (SessionsService.current()
 * records it), so page code deeper in the request picks it without another query.
 */
const localeOfRequest = new WeakMap<object, string | null>();

export function rememberSavedLocale(req: object, locale: string | null): void {
  localeOfRequest.set(req, locale);
}

/** The language saved by the user of the request's session, once SessionsService.current() has read it. */
export function savedLocaleOf(req: object | undefined): string | null {
  return (req && localeOfRequest.get(req)) ?? null;
}
