import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import * as bcrypt from 'bcrypt';
import { Repository } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@idp/config';
import {
  BusReply,
  OtpChallenge,
  OtpSendDetails,
  OtpVerifyDetails,
  RecoveryFinishError,
  RecoveryFinishRequest,
  RecoveryStartError,
  RecoveryStartRequest,
  fail,
  ok,
} from '@idp/contracts';
import { UserEntity } from '@idp/domain';
import { AuditService } from '../audit/audit.service';
import { OtpService } from '../otp/otp.service';
import { PASSWORD_PROBLEMS, passwordProblem } from '../passwords/password-policy';
import { normaliseDestination } from '../users/identifiers';
import { UsersService } from '../users/users.service';

/**
 * "Forgot your password?": a code to a verified phone or e-mail, then a new password. The start
 * answers alike whether or not an account has the identifier: a challenge is stored and the send
 * rules apply either way, and the code goes out only when an account owns the identifier (the
 * delivery runs in the background, so the answer takes the same time).
 */
@Injectable()
export class RecoveryService {
  constructor(
    @InjectRepository(UserEntity, 'accounts') private readonly users: Repository<UserEntity>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly otp: OtpService,
    private readonly accounts: UsersService,
    private readonly audit: AuditService,
  ) {}

  async start(req: RecoveryStartRequest): Promise<BusReply<OtpChallenge, RecoveryStartError, OtpSendDetails>> {
    const raw = String(req.destination ?? '').trim();
    const channel = raw.includes('@') ? 'email' : 'sms';
    const destination = normaliseDestination(channel, raw, this.config.phoneRegion);
    const owner = destination ? await this.accounts.ownerOf(channel, destination) : null;
    const sent = await this.otp.send({ channel, destination: raw, purpose: 'recovery', ip: String(req.ip ?? ''), locale: req.locale }, { deliver: !!owner });
    // Not awaited: the answer for an identifier with an account must take no longer than for one without.
    if (sent.ok && owner) void this.audit.event('user.recovery_requested', { sub: owner, channel }, req.context);
    return sent;
  }

  /** The rules are checked before the code is used, so a refused password costs no attempt. */
  async finish(req: RecoveryFinishRequest): Promise<BusReply<{ sub: string }, RecoveryFinishError, OtpVerifyDetails>> {
    const password = String(req.password ?? '');
    const weak = passwordProblem(password);
    if (weak) return fail('invalid_password', PASSWORD_PROBLEMS[weak]);
    const verified = await this.otp.verify({ challengeId: String(req.challengeId ?? ''), code: String(req.code ?? '') });
    if (!verified.ok) return verified;
    // A code for an identifier no account has was never sent; it cannot be right, but say nothing more.
    if (verified.value.purpose !== 'recovery' || !verified.value.sub) return fail('expired', 'the code has expired or was already used');
    const sub = verified.value.sub;
    await this.users.update({ id: sub }, { passwordHash: await bcrypt.hash(password, this.config.bcryptCost), passwordUpdatedAt: new Date(), passwordChangeRequired: false });
    await this.audit.event('user.password_changed', { sub, via: 'recovery' }, req.context);
    return ok({ sub });
  }
}
