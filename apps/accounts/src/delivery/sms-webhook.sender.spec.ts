import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { SmsRejectedError, SmsWebhookSender } from './sms-webhook.sender';

describe('SmsWebhookSender', () => {
  let server: Server;
  let url: string;
  let answers: number[];
  let bodies: unknown[];
  const waits: number[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let data = '';
      req.on('data', (d) => (data += d));
      req.on('end', () => {
        bodies.push(JSON.parse(data));
        const status = answers.shift() ?? 200;
        if (status === 0) return; // never answers: a timeout
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms`;
  });
  afterAll(() => {
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  });
  beforeEach(() => {
    answers = [];
    bodies = [];
    waits.length = 0;
  });

  const sender = (retries = 3) => new SmsWebhookSender(url, { timeoutMs: 300, retries, backoffMs: 100 }, async (ms) => void waits.push(ms));
  const message = { channel: 'sms' as const, to: '+77071234567', subject: '', text: 'Code: 123456', code: '123456', purpose: 'login' as const };

  it('posts {to, text, purpose} as JSON', async () => {
    await sender().send(message);
    expect(bodies).toEqual([{ to: '+77071234567', text: 'Code: 123456', purpose: 'login' }]);
  });

  it('retries 5xx answers and timeouts with exponential backoff', async () => {
    answers = [503, 0, 502];
    await sender().send(message);
    expect(bodies).toHaveLength(4);
    expect(waits).toEqual([100, 200, 400]);
  });

  it('gives up after the last retry, and at once on a 4xx answer', async () => {
    answers = [500, 500];
    await expect(sender(1).send(message)).rejects.toThrow('the SMS gateway failed 2 times, last: status 500');
    answers = [400];
    bodies = [];
    await expect(sender().send(message)).rejects.toBeInstanceOf(SmsRejectedError);
    expect(bodies).toHaveLength(1);
  });
});
