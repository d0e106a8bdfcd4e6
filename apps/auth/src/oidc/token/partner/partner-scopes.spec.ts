import { ApiResourceEntity } from '@idp/domain';
import { Client } from '../../clients/clients.service';
import { InvalidScope } from '../../errors/oauth.errors';
import { partnerScopes } from './partner-scopes';

const apis = [{ audience: 'https://api.example', scopes: ['extern.api', 'extern.read'] }] as ApiResourceEntity[];
const client = (scope: string) => ({ clientId: 'p', metadata: { scope } }) as Client;

describe('partnerScopes', () => {
  it('defaults to every API scope the client is allowed', () => {
    expect(partnerScopes(client('openid profile extern.api extern.read'), undefined, apis)).toEqual(['extern.api', 'extern.read']);
  });

  it('takes a requested subset', () => {
    expect(partnerScopes(client('extern.api extern.read'), 'extern.read extern.read', apis)).toEqual(['extern.read']);
  });

  it.each([
    ['openid extern.api', 'only API scopes may be requested with this grant: openid'],
    ['extern.api billing', 'scope not allowed for this client: billing'],
    ['orphan', 'unknown scope: orphan'],
  ])('refuses %s', (asked, message) => {
    expect(() => partnerScopes(client('extern.api orphan'), asked, apis)).toThrow(new InvalidScope(message));
  });

  it('refuses a client allowed no API scope', () => {
    expect(() => partnerScopes(client('openid profile'), undefined, apis)).toThrow(new InvalidScope('this client is allowed no API scope'));
  });
});
