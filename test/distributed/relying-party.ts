import { createServer, Server } from 'node:http';
import { freePort } from '@idp/testing';

export interface RelyingParty {
  /** http://127.0.0.1:<port>/cb */
  redirectUri: string;
  port: number;
  /** Form bodies POSTed to the RP (form_post responses, back-channel logout tokens), by path. */
  posts: Array<{ path: string; form: Record<string, string> }>;
  close(): Promise<void>;
}

/** A stand-in relying party: its pages only say they were reached; it records what was posted to it. */
export async function startRelyingParty(): Promise<RelyingParty> {
  const port = await freePort();
  const posts: RelyingParty['posts'] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      if (req.method === 'POST') posts.push({ path: (req.url ?? '').split('?')[0], form: Object.fromEntries(new URLSearchParams(body)) });
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>RP</title><p id="rp">callback reached</p>');
    });
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { redirectUri: `http://127.0.0.1:${port}/cb`, port, posts, close: () => new Promise((r) => server.close(() => r())) };
}
