import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ConsentGrantRequest, ConsentKey, ConsentListRequest, ConsentSubjects, fail, ok } from '@idp/contracts';
import { ConsentsService } from './consents.service';

@Controller()
export class ConsentController {
  constructor(private readonly consents: ConsentsService) {}

  @MessagePattern(ConsentSubjects.consentGet)
  async get(@Payload() req: ConsentKey) {
    return ok(await this.consents.get(req.userId, req.clientId));
  }

  @MessagePattern(ConsentSubjects.consentGrant)
  async grant(@Payload() req: ConsentGrantRequest) {
    return ok(await this.consents.grant(req.userId, req.clientId, Array.isArray(req.scopes) ? req.scopes : []));
  }

  @MessagePattern(ConsentSubjects.consentRevoke)
  async revoke(@Payload() req: ConsentKey) {
    const removed = await this.consents.revoke(req.userId, req.clientId);
    return removed ? ok(removed) : fail('consent_not_found', 'the user has not consented to this client');
  }

  @MessagePattern(ConsentSubjects.consentList)
  async list(@Payload() req: ConsentListRequest) {
    return ok(await this.consents.list(req.userId));
  }

  @MessagePattern(ConsentSubjects.ping)
  ping() {
    return ok({ at: new Date().toISOString() });
  }
}
