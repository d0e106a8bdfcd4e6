import { AuthClock, SystemAuthClock } from '../clock';
import { AdminCapabilityRequestsController } from './admin-capability-requests.controller';
import { CapabilityRequestsService } from './capability-requests.service';
import { ClientSecretsService } from './client-secrets.service';
import { ClientUsageService } from './client-usage.service';
import { DeveloperAppsService } from './developer-apps.service';
import { DevelopersApiController } from './developers-api.controller';
import { DevelopersPagesController } from './developers-pages.controller';

/** The integrators' cabinet (/developers, /api/developers) and its admin routes, registered by AuthModule. */
export const DEVELOPER_CONTROLLERS = [DevelopersPagesController, DevelopersApiController, AdminCapabilityRequestsController];
export const DEVELOPER_PROVIDERS = [
  { provide: AuthClock, useClass: SystemAuthClock },
  ClientSecretsService,
  ClientUsageService,
  DeveloperAppsService,
  CapabilityRequestsService,
];
