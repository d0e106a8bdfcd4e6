import { BusClient } from '@idp/bus';
import { ConsentSubjects } from '@idp/contracts';
import { ConsentUsageService, TOUCH_BATCH_MS } from './consent-usage.service';

describe('ConsentUsageService', () => {
  const sent: Array<{ subject: string; payload: unknown }> = [];
  const bus = { request: async (subject: string, payload: unknown) => (sent.push({ subject, payload }), { ok: true, value: { touched: 1 } }) } as unknown as BusClient;

  beforeEach(() => {
    sent.length = 0;
    jest.useFakeTimers();
  });
  afterEach(() => jest.useRealTimers());

  it('gathers the touches of a quarter of a second into one message, each pair once', async () => {
    const usage = new ConsentUsageService(bus);
    for (let i = 0; i < 50; i++) usage.touch('u1', 'c1');
    usage.touch('u2', 'c1');
    expect(sent).toEqual([]);
    await jest.advanceTimersByTimeAsync(TOUCH_BATCH_MS);
    expect(sent).toEqual([{ subject: ConsentSubjects.consentTouchMany, payload: { touches: [{ userId: 'u1', clientId: 'c1' }, { userId: 'u2', clientId: 'c1' }] } }]);
    usage.touch('u1', 'c1');
    await jest.advanceTimersByTimeAsync(TOUCH_BATCH_MS);
    expect(sent).toHaveLength(2);
  });

  it('sends what is pending when the application stops', async () => {
    const usage = new ConsentUsageService(bus);
    usage.touch('u1', 'c1');
    await usage.onModuleDestroy();
    expect(sent).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(TOUCH_BATCH_MS);
    expect(sent).toHaveLength(1);
  });
});
