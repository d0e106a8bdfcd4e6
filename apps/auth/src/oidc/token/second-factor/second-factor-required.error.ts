import { InvalidGrant } from '../../errors/oauth.errors';
import { FactorGrantType } from './factor-grant-types';

/**
 * The password was right, but the account needs a second factor: invalid_grant (the password alone
 * grants nothing) with what the client needs to continue, as Kontur's password grant answers.
 */
export class SecondFactorRequired extends InvalidGrant {
  constructor(
    private readonly partialFactorToken: string,
    private readonly factors: Array<{ grant_type: FactorGrantType; identity: string }>,
  ) {
    super('a second factor is required; repeat the request with one of required_factors and the partial_factor_token');
  }

  body(): Record<string, string> {
    return { ...super.body(), partial_factor_token: this.partialFactorToken, required_factors: this.factors as unknown as string };
  }
}
