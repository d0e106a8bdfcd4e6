import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  DeviceCheckRequest,
  DeviceRememberRequest,
  DeviceRevokeRequest,
  DisableRequest,
  RequireSetRequest,
  SecondFactorSmsSendRequest,
  SecondFactorSubject,
  SecondFactorSubjects,
  SecondFactorVerifyRequest,
  SmsEnrolConfirmRequest,
  SmsSetRequest,
  TotpBeginRequest,
  TotpConfirmRequest,
  fail,
  ok,
} from '@idp/contracts';
import { SecondFactorService } from './second-factor.service';

/** Days a remembered browser may be trusted at most, whatever the caller asks. */
const MAX_DEVICE_DAYS = 365;

/** The second factor's bus surface; every reply is a typed BusReply. */
@Controller()
export class SecondFactorController {
  constructor(private readonly factors: SecondFactorService) {}

  @MessagePattern(SecondFactorSubjects.status)
  async status(@Payload() req: SecondFactorSubject) {
    const status = await this.factors.status(String(req?.sub ?? ''));
    return status ? ok(status) : fail('not_found', 'no such user');
  }

  @MessagePattern(SecondFactorSubjects.totpBegin)
  totpBegin(@Payload() req: TotpBeginRequest) {
    return this.factors.totpBegin(String(req?.sub ?? ''), String(req?.label ?? ''));
  }

  @MessagePattern(SecondFactorSubjects.totpConfirm)
  totpConfirm(@Payload() req: TotpConfirmRequest) {
    return this.factors.totpConfirm(String(req?.sub ?? ''), String(req?.code ?? ''));
  }

  @MessagePattern(SecondFactorSubjects.verify)
  verify(@Payload() req: SecondFactorVerifyRequest) {
    return this.factors.verify(req ?? ({} as SecondFactorVerifyRequest));
  }

  @MessagePattern(SecondFactorSubjects.smsSend)
  smsSend(@Payload() req: SecondFactorSmsSendRequest) {
    return this.factors.smsSend(req ?? ({} as SecondFactorSmsSendRequest));
  }

  @MessagePattern(SecondFactorSubjects.smsEnrolSend)
  smsEnrolSend(@Payload() req: SecondFactorSmsSendRequest) {
    return this.factors.smsEnrolSend(req ?? ({} as SecondFactorSmsSendRequest));
  }

  @MessagePattern(SecondFactorSubjects.smsEnrolConfirm)
  smsEnrolConfirm(@Payload() req: SmsEnrolConfirmRequest) {
    return this.factors.smsEnrolConfirm(req ?? ({} as SmsEnrolConfirmRequest));
  }

  @MessagePattern(SecondFactorSubjects.smsSet)
  smsSet(@Payload() req: SmsSetRequest) {
    return this.factors.smsSet(String(req?.sub ?? ''), req?.enabled === true);
  }

  @MessagePattern(SecondFactorSubjects.backupRegenerate)
  backupRegenerate(@Payload() req: DisableRequest) {
    return this.factors.regenerateBackupCodes(req ?? ({} as DisableRequest));
  }

  @MessagePattern(SecondFactorSubjects.disable)
  disable(@Payload() req: DisableRequest) {
    return this.factors.disable(req ?? ({} as DisableRequest));
  }

  @MessagePattern(SecondFactorSubjects.requireSet)
  async requireSet(@Payload() req: RequireSetRequest) {
    const status = await this.factors.requireSet(String(req?.sub ?? ''), req?.required === true);
    return status ? ok(status) : fail('not_found', 'no such user');
  }

  @MessagePattern(SecondFactorSubjects.deviceRemember)
  async deviceRemember(@Payload() req: DeviceRememberRequest) {
    const days = Math.min(Math.max(Math.floor(Number(req?.days) || 0), 1), MAX_DEVICE_DAYS);
    const device = await this.factors.rememberDevice(String(req?.sub ?? ''), String(req?.label ?? ''), days);
    return device ? ok(device) : fail('not_found', 'no such user');
  }

  @MessagePattern(SecondFactorSubjects.deviceCheck)
  async deviceCheck(@Payload() req: DeviceCheckRequest) {
    return ok({ valid: await this.factors.checkDevice(String(req?.sub ?? ''), String(req?.token ?? '')) });
  }

  @MessagePattern(SecondFactorSubjects.deviceList)
  async deviceList(@Payload() req: SecondFactorSubject) {
    return ok(await this.factors.listDevices(String(req?.sub ?? '')));
  }

  @MessagePattern(SecondFactorSubjects.deviceRevoke)
  async deviceRevoke(@Payload() req: DeviceRevokeRequest) {
    return ok({ revoked: await this.factors.revokeDevices(String(req?.sub ?? ''), req?.id === undefined ? undefined : String(req.id)) });
  }
}
