import { ApiResourceEntity } from '@idp/domain';
import { USER_SCOPES } from '../oidc/resources.service';
import { Locale, MessageKey, t } from './i18n';

/** What each scope reveals, in the user's language; API scopes name their API. */
export function describeScopes(locale: Locale, scopes: string[], resources: ApiResourceEntity[]): string[] {
  const lines: string[] = [];
  for (const scope of scopes) {
    const key = `scope.${scope}` as MessageKey;
    if (USER_SCOPES.includes(scope)) lines.push(t(locale, key));
    else {
      const resource = resources.find((r) => r.scopes.includes(scope));
      lines.push(t(locale, 'scope.api', { name: resource ? `${resource.name} (${scope})` : scope }));
    }
  }
  return [...new Set(lines)];
}
