import { Logger } from '@nestjs/common';
import { loadConfig } from '@idp/config';
import { DeliveryService, mask } from './delivery.service';
import { OutgoingMessage } from './message-sender';
import { OutboxService } from './outbox.service';

describe('DeliveryService', () => {
  const message: OutgoingMessage = { channel: 'sms', to: '+77071234567', subject: 's', text: 'Code: 654321', code: '654321', purpose: 'login' };
  const outbox = () => Object.assign(Object.create(OutboxService.prototype), { send: jest.fn(async () => undefined) }) as OutboxService & { send: jest.Mock };

  afterEach(() => jest.restoreAllMocks());

  it('puts codes in the development outbox when no gateway is configured and DEV_OUTBOX is on', async () => {
    const box = outbox();
    const delivery = new DeliveryService(loadConfig('embedded', { DATA_DIR: 'memory://' }), box);
    delivery.deliver(message);
    await delivery.onApplicationShutdown();
    expect(box.send).toHaveBeenCalledWith(message);
  });

  it('drops codes, with an error that names the variable but not the code, when neither is there', async () => {
    const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const box = outbox();
    const delivery = new DeliveryService(loadConfig('embedded', { DATA_DIR: 'memory://', DEV_OUTBOX: 'off' }), box);
    delivery.onModuleInit();
    delivery.deliver(message);
    await delivery.onApplicationShutdown();
    expect(box.send).not.toHaveBeenCalled();
    const logged = errors.mock.calls.map((c) => String(c[0])).join('\n');
    expect(logged).toContain('SMS_WEBHOOK_URL is not set');
    expect(logged).not.toContain('654321');
    expect(logged).not.toContain('+77071234567');
  });

  it('masks addresses in logs', () => {
    expect(mask('+77071234567')).toBe('+770***67');
    expect(mask('aigul@example.kz')).toBe('a***@example.kz');
  });
});
