import { createHash } from 'node:crypto';
import { Client } from './clients/clients.service';

/**
 * The `sub` a client sees (OpenID Connect Core 8): the account id for public clients; for pairwise
 * clients a hash of the sector, the account id and a secret salt, so clients of different sectors
 * cannot correlate a user.
 */
export function subjectFor(client: Client, userId: string, salt: string): string {
  if (client.metadata.subject_type !== 'pairwise') return userId;
  const sector = client.metadata.sector ?? client.clientId;
  return createHash('sha256').update(`${sector}\n${userId}\n${salt}`).digest('base64url');
}
