import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { BusReply, IinSetError, fail, ok } from '@idp/contracts';
import { UserEntity, isValidIin } from '@idp/domain';
import { AuditService } from '../audit/audit.service';

/** The account's IIN: set once (from a partner's signed hint or typed by the person), unique across accounts. */
@Injectable()
export class IinService {
  constructor(
    @InjectRepository(UserEntity, 'accounts') private readonly users: Repository<UserEntity>,
    private readonly audit: AuditService,
  ) {}

  async set(sub: string, iin: string): Promise<BusReply<{ sub: string }, IinSetError>> {
    if (!/^[0-9a-f-]{36}$/.test(String(sub))) return fail('not_found', 'no such user');
    if (!isValidIin(iin)) return fail('invalid_input', 'iin: 12 digits with a valid check digit');
    try {
      // Only while unset: an IIN, once on the account, is not silently replaced.
      const result = await this.users.update({ id: sub, iin: IsNull() }, { iin });
      if (result.affected) {
        this.audit.claimsChanged(sub, ['iin']);
        return ok({ sub });
      }
    } catch (err) {
      const code = (err as { code?: string; driverError?: { code?: string } }).code ?? (err as { driverError?: { code?: string } }).driverError?.code;
      if (code === '23505') return fail('iin_taken', 'another account has this IIN');
      throw err;
    }
    const user = await this.users.findOne({ where: { id: sub }, select: { id: true, iin: true } });
    if (!user) return fail('not_found', 'no such user');
    return user.iin === iin ? ok({ sub }) : fail('iin_already_set', 'the account already has another IIN');
  }
}
