import { Outbound } from '@idp/outbound';
import { DomainVerifier } from './domain-verifier';
import { TxtResolver } from './txt-resolver';

const resolver = (records: string[]) => ({ resolve: async () => records }) as unknown as TxtResolver;
const site = (answer: { status: number; text: string } | Error) => {
  const urls: string[] = [];
  const outbound = {
    fetch: async (url: string) => {
      urls.push(url);
      if (answer instanceof Error) throw answer;
      return { ...answer, ok: answer.status < 300 };
    },
  } as unknown as Outbound;
  return { outbound, urls };
};

describe('DomainVerifier', () => {
  it('accepts the TXT record with the exact token', async () => {
    const { outbound, urls } = site(new Error('unreachable'));
    expect(await new DomainVerifier(resolver(['v=spf1 -all', 'idp-verification=tok-123']), outbound).verify('acme.kz', 'tok-123')).toBe('dns');
    expect(urls).toEqual([]);
  });

  it('accepts the well-known file on https and nothing else', async () => {
    const good = site({ status: 200, text: 'tok-123\n' });
    expect(await new DomainVerifier(resolver([]), good.outbound).verify('acme.kz', 'tok-123')).toBe('http');
    expect(good.urls).toEqual(['https://acme.kz/.well-known/idp-verification.txt']);
    expect(await new DomainVerifier(resolver([]), site({ status: 404, text: 'tok-123' }).outbound).verify('acme.kz', 'tok-123')).toBeNull();
    expect(await new DomainVerifier(resolver([]), site({ status: 200, text: 'tok-1234' }).outbound).verify('acme.kz', 'tok-123')).toBeNull();
  });

  it('refuses a wrong or partial TXT record and an unreachable site', async () => {
    const { outbound } = site(new Error('refused'));
    expect(await new DomainVerifier(resolver(['idp-verification=tok-12', 'tok-123', 'x idp-verification=tok-123']), outbound).verify('acme.kz', 'tok-123')).toBeNull();
  });
});
