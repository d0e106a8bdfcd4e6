import { AccountActionsService } from './account-actions.service';
import { AccountApiController } from './account-api.controller';
import { AccountCallerService } from './account-caller.service';
import { AccountClientService } from './account-client.service';
import { AccountPagesController } from './account-pages.controller';
import { AccountSessionsService } from './account-sessions.service';
import { AuditTrailService } from './audit-trail.service';
import { UserPhotoController } from './photo.controller';
import { AdminUserAuditController } from './admin-user-audit.controller';
import { PasswordChangeController } from '../interaction/password-change.controller';
import { RecoveryController } from '../interaction/recovery.controller';

/** The cabinet, recovery, the forced password change and the audit routes, registered by AuthModule. */
export const ACCOUNT_CONTROLLERS = [AccountPagesController, AccountApiController, UserPhotoController, AdminUserAuditController, RecoveryController, PasswordChangeController];
export const ACCOUNT_PROVIDERS = [AccountCallerService, AccountClientService, AccountActionsService, AccountSessionsService, AuditTrailService];
