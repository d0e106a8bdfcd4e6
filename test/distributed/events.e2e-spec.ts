import { StringCodec, connect } from 'nats';
import { EVENT_STREAM, EVENT_SUBJECT_PREFIX } from '@idp/contracts';
import { NATS_URL, Topology } from './topology';

describe('distributed mode: domain events on JetStream', () => {
  const topology = new Topology();

  beforeAll(async () => {
    await Topology.resetDatabase();
    await topology.start();
  });
  afterAll(() => topology.stopAll());

  it('publishes user.registered and user.locked from the accounts service to the IDP_EVENTS stream', async () => {
    const user = await topology.admin.createUser({ login: 'nursultan', password: 'nursultan-password-1' });
    await topology.admin.call('PATCH', `/admin/users/${user.id}`, { locked: true });
    const nc = await connect({ servers: NATS_URL });
    try {
      const jsm = await nc.jetstreamManager();
      const codec = StringCodec();
      const last = async (subject: string) => {
        for (let i = 0; i < 20; i++) {
          try {
            const msg = await jsm.streams.getMessage(EVENT_STREAM, { last_by_subj: EVENT_SUBJECT_PREFIX + subject });
            const event = JSON.parse(codec.decode(msg.data));
            if (event.data.sub === user.id) return event;
          } catch {
            /* not there yet */
          }
          await new Promise((r) => setTimeout(r, 100));
        }
        throw new Error(`no ${subject} event for ${user.id}`);
      };
      expect(await last('user.registered')).toMatchObject({ type: 'user.registered', data: { sub: user.id, method: 'admin' } });
      expect(await last('user.locked')).toMatchObject({ type: 'user.locked', data: { sub: user.id } });
    } finally {
      await nc.close();
    }
  });
});
