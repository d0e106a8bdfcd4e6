import { Injectable } from '@nestjs/common';
import { BusClient } from '@idp/bus';
import { AccountsSubjects } from '@idp/contracts';
import { AuthorizationRequest } from '@idp/domain';

/** none: nothing to do; ask: the account has no IIN yet; mismatch: it has another than the client signed. */
export type IinStatus = 'none' | 'ask' | 'mismatch';

/**
 * Whether the IIN step stands between a signed-in user and the client: when the request carries
 * an IIN (or asks for the `iin` scope) and the account has none yet, the user confirms the signed
 * IIN or types one; an account whose IIN differs from a signed one cannot be used for the request.
 */
@Injectable()
export class IinStep {
  constructor(private readonly bus: BusClient) {}

  async status(request: AuthorizationRequest, userId: string): Promise<IinStatus> {
    if (!request.iin && !request.scopes.includes('iin')) return 'none';
    const claims = await this.bus.value(AccountsSubjects.claimsGet, { sub: userId, scopes: ['iin'] });
    const current = typeof claims.iin === 'string' ? claims.iin : null;
    if (!current) return 'ask';
    return request.iin_locked && current !== request.iin ? 'mismatch' : 'none';
  }
}
