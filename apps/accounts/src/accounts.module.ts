import { Module } from '@nestjs/common';
import { DatabaseModule } from '@idp/database';
import { UserEntity } from '@idp/domain';
import { AccountsController } from './accounts.controller';
import { AccountsInit1763880000000 } from './migrations/1763880000000-accounts-init';
import { ProfileClaims1763900000000 } from './migrations/1763900000000-profile-claims';
import { UsersService } from './users/users.service';

/** Users, identifiers and credentials. Reached only over the bus. */
@Module({
  imports: [
    DatabaseModule.forApp({ schema: 'accounts', entities: [UserEntity], migrations: [AccountsInit1763880000000, ProfileClaims1763900000000] }),
  ],
  controllers: [AccountsController],
  providers: [UsersService],
})
export class AccountsModule {}
