import { InProcessEventPublisher } from '@idp/bus';
import { CacheInvalidation, InProcessCacheInvalidation, Invalidation } from './cache-invalidation';

/** Instances joined by an in-memory wire, standing in for NATS: every message reaches every instance. */
class WiredInvalidation extends CacheInvalidation {
  constructor(private readonly wire: WiredInvalidation[]) {
    super();
    wire.push(this);
  }
  receive(message: Invalidation) {
    if (message.origin !== this.origin) this.deliver(message);
  }
  busRestored() {
    this.deliverAll();
  }
  protected async send(message: Invalidation) {
    for (const instance of this.wire) instance.receive(message);
  }
}

describe('cache invalidation', () => {
  it('drops the entry on the instance that made the change before the publish returns', async () => {
    const inv = new InProcessCacheInvalidation();
    const dropped: Array<string | undefined> = [];
    inv.on('client', (key) => dropped.push(key));
    await inv.publish('client', 'c1');
    expect(dropped).toEqual(['c1']);
  });

  it('reaches every other instance once, and only the handlers of the topic', async () => {
    const wire: WiredInvalidation[] = [];
    const [a, b, c] = [new WiredInvalidation(wire), new WiredInvalidation(wire), new WiredInvalidation(wire)];
    const seen: string[] = [];
    for (const [name, inv] of [['a', a], ['b', b], ['c', c]] as const) {
      inv.on('client', (key) => seen.push(`${name}:client:${key}`));
      inv.on('keys', () => seen.push(`${name}:keys`));
    }
    await b.publish('client', 'partner');
    expect(seen.sort()).toEqual(['a:client:partner', 'b:client:partner', 'c:client:partner']);
  });

  it('drops everything of every topic after a bus outage, when messages may have been missed', () => {
    const wire: WiredInvalidation[] = [];
    const a = new WiredInvalidation(wire);
    const seen: string[] = [];
    a.on('client', (key) => seen.push(`client:${key ?? 'all'}`));
    a.on('resources', (key) => seen.push(`resources:${key ?? 'all'}`));
    a.busRestored();
    expect(seen).toEqual(['client:all', 'resources:all']);
  });

  it("drops a user's claims on every in-process domain event naming the user, and everyone's when an organisation changes", () => {
    const events = new InProcessEventPublisher();
    const inv = new InProcessCacheInvalidation(events);
    const dropped: string[] = [];
    inv.on('user', (sub) => dropped.push(sub ?? 'all'));
    events.publish('user.profile_updated', { sub: 'u1', fields: ['nickname'] });
    events.publish('user.deleted', { sub: 'u2' });
    events.publish('user.login_failed', { client_id: 'c', reason: 'invalid_credentials' });
    events.publish('organization.domain_claimed', { organization_id: 'o', domain: 'example.kz' });
    events.publish('organization.updated', { organization_id: 'o', name: 'New name' });
    expect(dropped).toEqual(['u1', 'u2', 'all']);
  });
});
