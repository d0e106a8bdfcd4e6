import { ApiResourceEntity } from '@idp/domain';
import { InvalidTarget } from './errors/oauth.errors';
import { bindToResource, effectiveResource } from './resource-indicator';

const extern = { audience: 'https://api.example/extern', scopes: ['extern.api', 'extern.read'] } as ApiResourceEntity;

describe('resource indicators (RFC 8707)', () => {
  it('keeps the resource scopes and the OpenID ones, drops other APIs', () => {
    expect(bindToResource(['openid', 'profile', 'extern.api', 'billing'], extern)).toEqual(['openid', 'profile', 'extern.api']);
  });

  it('refuses a resource none of whose scopes was asked for', () => {
    expect(() => bindToResource(['openid', 'billing'], extern)).toThrow(new InvalidTarget('none of the requested scopes is for the resource https://api.example/extern'));
  });

  it('keeps the resource a grant was bound to, and lets an unbound grant name one per request', () => {
    expect(effectiveResource('https://a', undefined)).toBe('https://a');
    expect(effectiveResource('https://a', 'https://a')).toBe('https://a');
    expect(effectiveResource(null, undefined)).toBeNull();
    expect(effectiveResource(null, 'https://b')).toBe('https://b');
    expect(() => effectiveResource('https://a', 'https://b')).toThrow(new InvalidTarget('resource differs from the one the authorization was given for'));
  });
});
