import { createSocket, Socket } from 'node:dgram';
import { freePort } from '@idp/testing';

/**
 * A tiny authoritative DNS server over UDP that answers TXT questions from a table (RFC 1035 4.1),
 * so the distributed auth processes verify domains through a real resolver (DNS_SERVERS).
 */
export async function startTxtServer(records: Record<string, string[]>): Promise<{ address: string; close(): Promise<void> }> {
  const port = await freePort();
  const socket: Socket = createSocket('udp4');
  socket.on('message', (query, peer) => {
    // Question: labels from byte 12, then QTYPE and QCLASS.
    let offset = 12;
    const labels: string[] = [];
    while (query[offset] !== 0) {
      labels.push(query.subarray(offset + 1, offset + 1 + query[offset]).toString());
      offset += query[offset] + 1;
    }
    const questionEnd = offset + 5;
    const qtype = query.readUInt16BE(offset + 1);
    const answers = qtype === 16 ? (records[labels.join('.').toLowerCase()] ?? []) : [];
    const header = Buffer.alloc(12);
    query.copy(header, 0, 0, 2);
    header.writeUInt16BE(0x8180 | (answers.length || records[labels.join('.').toLowerCase()] ? 0 : 3), 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answers.length, 6);
    const rrs = answers.map((text) => {
      const data = Buffer.from(text);
      const rr = Buffer.alloc(12);
      rr.writeUInt16BE(0xc00c, 0);
      rr.writeUInt16BE(16, 2);
      rr.writeUInt16BE(1, 4);
      rr.writeUInt32BE(5, 6);
      rr.writeUInt16BE(data.length + 1, 10);
      return Buffer.concat([rr, Buffer.from([data.length]), data]);
    });
    socket.send(Buffer.concat([header, query.subarray(12, questionEnd), ...rrs]), peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(port, '127.0.0.1', resolve));
  return { address: `127.0.0.1:${port}`, close: () => new Promise((resolve) => socket.close(() => resolve())) };
}
