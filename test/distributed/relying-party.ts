import { createServer, Server } from 'node:http';
import { freePort } from '@idp/testing';

/** A stand-in relying party: its callback page only says it was reached. */
export async function startRelyingParty(): Promise<{ redirectUri: string; close(): Promise<void> }> {
  const port = await freePort();
  const server: Server = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>RP</title><p id="rp">callback reached</p>');
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { redirectUri: `http://127.0.0.1:${port}/cb`, close: () => new Promise((r) => server.close(() => r())) };
}
