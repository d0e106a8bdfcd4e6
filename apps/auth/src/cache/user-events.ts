import type { DomainEvent } from '@idp/contracts';

/**
 * What a domain event changes of the copies of users' claims: the user it names, or everyone's
 * when an organisation changed as a whole (its name is in every member's `organization` claims).
 * Any event naming a user drops that user's copies: cheaper than keeping a list of which events
 * touch claims, and events are rare next to UserInfo requests.
 */
export function usersChangedBy(event: Pick<DomainEvent, 'type' | 'data'>): { sub: string } | 'all' | null {
  const data = event.data as { sub?: unknown } | undefined;
  if (typeof data?.sub === 'string' && data.sub) return { sub: data.sub };
  if (event.type === 'organization.updated' || event.type === 'organization.deleted') return 'all';
  return null;
}
