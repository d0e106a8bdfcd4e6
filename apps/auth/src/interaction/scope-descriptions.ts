import { ApiResourceEntity } from '@idp/domain';
import { USER_SCOPES } from '../oidc/resources.service';
import { Locale, MessageKey, t } from './i18n';

/** What each scope reveals, in the user's language; API scopes name their API. */
export function describeScopes(locale: Locale, scopes: string[], resources: ApiResourceEntity[], bin?: string): string[] {
  const lines: string[] = [];
  for (const scope of scopes) {
    const key = `scope.${scope}` as MessageKey;
    // Signing for an organisation names the organisation when the client said which (Aitu's bin).
    if (scope === 'ul_sign' && bin) lines.push(t(locale, 'scope.ul_signBin', { bin }));
    else if (USER_SCOPES.includes(scope)) lines.push(t(locale, key));
    else {
      const resource = resources.find((r) => r.scopes.includes(scope));
      lines.push(t(locale, 'scope.api', { name: resource ? `${resource.name} (${scope})` : scope }));
    }
  }
  return [...new Set(lines)];
}
