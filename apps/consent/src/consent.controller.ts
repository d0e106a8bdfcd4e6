import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ConsentGrantRequest, ConsentKey, ConsentListRequest, ConsentSubjects, ConsentTouchManyRequest, ConsentTouchRequest, TrustedPhoneConsumeRequest, TrustedPhoneIssueRequest, fail, ok } from '@idp/contracts';
import { ConsentsService } from './consents.service';
import { TrustedPhonesService } from './trusted-phone/trusted-phones.service';

@Controller()
export class ConsentController {
  constructor(
    private readonly consents: ConsentsService,
    private readonly trustedPhones: TrustedPhonesService,
  ) {}

  @MessagePattern(ConsentSubjects.consentGet)
  async get(@Payload() req: ConsentKey) {
    return ok(await this.consents.get(req.userId, req.clientId));
  }

  @MessagePattern(ConsentSubjects.consentGrant)
  async grant(@Payload() req: ConsentGrantRequest) {
    return ok(await this.consents.grant(req.userId, req.clientId, Array.isArray(req.scopes) ? req.scopes : [], req.resource));
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

  @MessagePattern(ConsentSubjects.consentTouch)
  async touch(@Payload() req: ConsentTouchRequest) {
    return ok({ touched: await this.consents.touch(req.userId, req.clientId) });
  }

  /** At most this many touches are read from one message. */
  private static readonly MAX_TOUCHES = 1000;

  @MessagePattern(ConsentSubjects.consentTouchMany)
  async touchMany(@Payload() req: ConsentTouchManyRequest) {
    const touches = (Array.isArray(req?.touches) ? req.touches : []).slice(0, ConsentController.MAX_TOUCHES);
    let touched = 0;
    for (const t of touches) {
      if (typeof t?.userId === 'string' && typeof t?.clientId === 'string' && (await this.consents.touch(t.userId, t.clientId))) touched++;
    }
    return ok({ touched });
  }

  @MessagePattern(ConsentSubjects.trustedPhoneIssue)
  async issueTrustedPhone(@Payload() req: TrustedPhoneIssueRequest) {
    return ok(await this.trustedPhones.issue(String(req.clientId), String(req.phone)));
  }

  @MessagePattern(ConsentSubjects.trustedPhoneConsume)
  consumeTrustedPhone(@Payload() req: TrustedPhoneConsumeRequest) {
    return this.trustedPhones.consume(String(req.clientId), String(req.phone), String(req.secret));
  }

  @MessagePattern(ConsentSubjects.ping)
  ping() {
    return ok({ at: new Date().toISOString() });
  }
}
