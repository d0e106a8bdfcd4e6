import { Module } from '@nestjs/common';
import { DatabaseModule } from '@idp/database';
import { ACCOUNTS_MIGRATIONS } from './migrations';
import { UserEntity } from '@idp/domain';
import { AccountsController } from './accounts.controller';
import { Clock, SystemClock } from './clock/clock';
import { DeliveryService } from './delivery/delivery.service';
import { OutboxService } from './delivery/outbox.service';
import { OtpService } from './otp/otp.service';
import { UsersService } from './users/users.service';
import { IinService } from './users/iin.service';
import { CertificatesController } from './certificates/certificates.controller';
import { CertificatesService } from './certificates/certificates.service';
import { SecondFactorController } from './second-factor/second-factor.controller';
import { SecondFactorService } from './second-factor/second-factor.service';
import { AuditController } from './audit/audit.controller';
import { AuditService } from './audit/audit.service';
import { OrganizationEvents } from './organizations/organization-events';
import { AccountController } from './profile/account.controller';
import { AccountService } from './profile/account.service';
import { PhotoService } from './profile/photo.service';
import { RecoveryService } from './recovery/recovery.service';
import { OrganizationsController } from './organizations/organizations.controller';
import { OrganizationsService } from './organizations/organizations.service';
import { FederatedIdentitiesService } from './organizations/federated-identities.service';
import { IdentifiersService } from './identifiers/identifiers.service';

/** Users, identifiers, credentials and one-time codes. Reached only over the bus. */
@Module({
  imports: [
    DatabaseModule.forApp({ schema: 'accounts', entities: [UserEntity], migrations: ACCOUNTS_MIGRATIONS }),
  ],
  controllers: [AccountsController, CertificatesController, SecondFactorController, AccountController, AuditController, OrganizationsController],
  providers: [{ provide: Clock, useClass: SystemClock }, UsersService, OtpService, OutboxService, DeliveryService, IinService, CertificatesService, SecondFactorService, AuditService, AccountService, PhotoService, RecoveryService, OrganizationsService, FederatedIdentitiesService, IdentifiersService, OrganizationEvents],
})
export class AccountsModule {}
