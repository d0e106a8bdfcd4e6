import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * What the machine can do at most, measured with one thread per core and nothing else running:
 * RS256 signatures of an access-token-sized JWT (node:crypto, RSA-2048) and bcrypt comparisons at the
 * configured cost. The token endpoint and the password login are judged against these.
 */
export interface Ceilings {
  cores: number;
  rs256PerSecond: number;
  bcryptCost: number;
  bcryptPerSecond: number;
}

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  let n = 0;
  let until = 0;
  if (workerData.kind === 'rs256') {
    // The same primitive the token endpoint signs with (node:crypto over the JWS signing input);
    // jose's one-shot sign costs more per call and scales worse across threads, so measuring with
    // it would understate the machine.
    const { generateKeyPairSync, sign } = require('node:crypto');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const part = (v) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const header = { alg: 'RS256', typ: 'at+jwt', kid: 'k' };
    const start = Date.now();
    until = start + workerData.ms;
    while (Date.now() < until || n === 0) {
      const now = Math.floor(Date.now() / 1000);
      const input = part(header) + '.' + part({ iss: 'https://id.example', sub: 'client', aud: 'https://api.example', client_id: 'client', scope: 'api', jti: 'x'.repeat(36), iat: now, exp: now + 3600 });
      sign('sha256', Buffer.from(input), privateKey).toString('base64url');
      n++;
    }
    parentPort.postMessage(n / ((Date.now() - start) / 1000));
  } else {
    const bcrypt = require(workerData.bcrypt);
    const hash = bcrypt.hashSync('bench-password-1', workerData.cost);
    const start = Date.now();
    until = start + workerData.ms;
    while (Date.now() < until || n === 0) {
      bcrypt.compareSync('bench-password-1', hash);
      n++;
    }
    parentPort.postMessage(n / ((Date.now() - start) / 1000));
  }
})();
`;

async function parallel(kind: 'rs256' | 'bcrypt', cores: number, ms: number, cost: number): Promise<number> {
  const rates = await Promise.all(
    Array.from(
      { length: cores },
      () =>
        new Promise<number>((resolve, reject) => {
          const w = new Worker(WORKER, { eval: true, workerData: { kind, ms, cost, bcrypt: require.resolve('bcrypt') } });
          w.once('message', (rate: number) => (resolve(rate), void w.terminate()));
          w.once('error', reject);
        }),
    ),
  );
  return Math.round(rates.reduce((a, b) => a + b, 0));
}

export async function measureCeilings(bcryptCost: number, seconds = 3): Promise<Ceilings> {
  const cores = availableParallelism();
  return {
    cores,
    rs256PerSecond: await parallel('rs256', cores, seconds * 1000, bcryptCost),
    bcryptCost,
    bcryptPerSecond: await parallel('bcrypt', cores, seconds * 1000, bcryptCost),
  };
}
