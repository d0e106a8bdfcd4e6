import { AccountsInit1763880000000 } from './1763880000000-accounts-init';
import { Otp1763900000000 } from './1763900000000-otp';
import { ProfileClaims1763901000000 } from './1763901000000-profile-claims';
import { UserLocks1763950000000 } from './1763950000000-user-locks';
import { SecondFactor1764100000000 } from './1764100000000-second-factor';
import { Cabinet1764200000000 } from './1764200000000-cabinet';
import { UserIin1764400000000 } from './1764400000000-user-iin';
import { Certificates1764300000000 } from './1764300000000-certificates';
import { Organizations1764800000000 } from './1764800000000-organizations';
import { UserIdentifiers1765300000000 } from './1765300000000-user-identifiers';

/** Every migration of the accounts schema, in order. */
export const ACCOUNTS_MIGRATIONS = [AccountsInit1763880000000, Otp1763900000000, ProfileClaims1763901000000, UserLocks1763950000000, SecondFactor1764100000000, Cabinet1764200000000, Certificates1764300000000, UserIin1764400000000, Organizations1764800000000, UserIdentifiers1765300000000];
