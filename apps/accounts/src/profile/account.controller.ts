import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  AccountDeleteRequest,
  AccountRef,
  AccountSubjects,
  AccountUpdateRequest,
  IdentifierAddRequest,
  IdentifierConfirmRequest,
  IdentifierPrimaryRequest,
  IdentifierRef,
  IdentifierRemoveRequest,
  LoginChangeRequest,
  MethodsSetRequest,
  PasswordChangeRequest,
  PhotoGetRequest,
  PhotoPutRequest,
  RecoveryFinishRequest,
  RecoveryStartRequest,
  fail,
} from '@idp/contracts';
import { RecoveryService } from '../recovery/recovery.service';
import { AccountService } from './account.service';
import { PhotoService } from './photo.service';

/** The cabinet's and recovery's bus surface; every reply is a typed BusReply. */
@Controller()
export class AccountController {
  constructor(
    private readonly account: AccountService,
    private readonly photos: PhotoService,
    private readonly recovery: RecoveryService,
  ) {}

  @MessagePattern(AccountSubjects.accountGet)
  get(@Payload() req: AccountRef) {
    return this.account.get(req.sub);
  }

  @MessagePattern(AccountSubjects.accountUpdate)
  update(@Payload() req: AccountUpdateRequest) {
    return this.account.update(req);
  }

  @MessagePattern(AccountSubjects.loginChange)
  changeLogin(@Payload() req: LoginChangeRequest) {
    return this.account.changeLogin(req);
  }

  @MessagePattern(AccountSubjects.methodsSet)
  setMethods(@Payload() req: MethodsSetRequest) {
    return this.account.setMethods(req);
  }

  @MessagePattern(AccountSubjects.passwordChange)
  changePassword(@Payload() req: PasswordChangeRequest) {
    return this.account.changePassword(req);
  }

  @MessagePattern(AccountSubjects.accountDelete)
  delete(@Payload() req: AccountDeleteRequest) {
    return this.account.delete(req);
  }

  @MessagePattern(AccountSubjects.identifierAdd)
  addIdentifier(@Payload() req: IdentifierAddRequest) {
    return this.account.addIdentifier(req);
  }

  @MessagePattern(AccountSubjects.identifierConfirm)
  confirmIdentifier(@Payload() req: IdentifierConfirmRequest) {
    return this.account.confirmIdentifier(req);
  }

  @MessagePattern(AccountSubjects.identifierRemove)
  removeIdentifier(@Payload() req: IdentifierRemoveRequest) {
    return this.account.removeIdentifier(req);
  }

  @MessagePattern(AccountSubjects.identifierPrimary)
  setPrimary(@Payload() req: IdentifierPrimaryRequest) {
    return this.account.setPrimary(req);
  }

  @MessagePattern(AccountSubjects.identifiersList)
  listIdentifiers(@Payload() req: AccountRef) {
    return this.account.listIdentifiers(req.sub);
  }

  @MessagePattern(AccountSubjects.identifiersRemove)
  removeIdentifierById(@Payload() req: IdentifierRef) {
    return this.account.removeIdentifierById(req);
  }

  @MessagePattern(AccountSubjects.identifiersPrimary)
  setPrimaryById(@Payload() req: IdentifierRef) {
    return this.account.setPrimaryById(req);
  }

  @MessagePattern(AccountSubjects.photoPut)
  putPhoto(@Payload() req: PhotoPutRequest) {
    return this.photos.put(req);
  }

  @MessagePattern(AccountSubjects.photoGet)
  getPhoto(@Payload() req: PhotoGetRequest) {
    return this.photos.get(req);
  }

  @MessagePattern(AccountSubjects.photoDelete)
  async deletePhoto(@Payload() req: AccountRef) {
    if (!(await this.photos.remove(req))) return fail('not_found', 'no such user');
    return this.account.get(req.sub);
  }

  @MessagePattern(AccountSubjects.recoveryStart)
  startRecovery(@Payload() req: RecoveryStartRequest) {
    return this.recovery.start(req);
  }

  @MessagePattern(AccountSubjects.recoveryFinish)
  finishRecovery(@Payload() req: RecoveryFinishRequest) {
    return this.recovery.finish(req);
  }
}
