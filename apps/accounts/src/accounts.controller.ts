import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { AccountsSubjects, ClaimsRequest, CreateUserRequest, VerifyPasswordRequest, fail, ok } from '@idp/contracts';
import { UsersService } from './users/users.service';

/** The accounts service's bus surface; every reply is a typed BusReply. */
@Controller()
export class AccountsController {
  constructor(private readonly users: UsersService) {}

  @MessagePattern(AccountsSubjects.userCreate)
  createUser(@Payload() req: CreateUserRequest) {
    return this.users.create(req);
  }

  @MessagePattern(AccountsSubjects.passwordVerify)
  async verifyPassword(@Payload() req: VerifyPasswordRequest) {
    const sub = await this.users.verifyPassword(req.login, req.password);
    return sub ? ok({ sub }) : fail('invalid_credentials', 'login or password is wrong');
  }

  @MessagePattern(AccountsSubjects.claimsGet)
  async claims(@Payload() req: ClaimsRequest) {
    const claims = await this.users.claims(req.sub, Array.isArray(req.scopes) ? req.scopes : []);
    return claims ? ok(claims) : fail('not_found', 'no such user');
  }

  @MessagePattern(AccountsSubjects.ping)
  ping() {
    return ok({ at: new Date().toISOString() });
  }
}
