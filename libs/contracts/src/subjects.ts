import {
  AccountsSubjects,
  ClaimsError,
  ClaimsRequest,
  CreateUserError,
  CreateUserRequest,
  CreatedUser,
  VerifyPasswordError,
  VerifyPasswordRequest,
} from './accounts.v1';
import { ConsentGrantRequest, ConsentKey, ConsentRecord, ConsentSubjects } from './consent.v1';

type Contract<Req, Value, Code extends string = never> = { request: Req; value: Value; code: Code };

/** The one table of every request/reply subject: what it takes, what it answers, how it fails. */
export interface Contracts {
  [AccountsSubjects.userCreate]: Contract<CreateUserRequest, CreatedUser, CreateUserError>;
  [AccountsSubjects.passwordVerify]: Contract<VerifyPasswordRequest, { sub: string }, VerifyPasswordError>;
  [AccountsSubjects.claimsGet]: Contract<ClaimsRequest, Record<string, unknown>, ClaimsError>;
  [AccountsSubjects.ping]: Contract<Record<string, never>, { at: string }>;
  [ConsentSubjects.consentGet]: Contract<ConsentKey, ConsentRecord>;
  [ConsentSubjects.consentGrant]: Contract<ConsentGrantRequest, ConsentRecord>;
  [ConsentSubjects.ping]: Contract<Record<string, never>, { at: string }>;
}

export type Subject = keyof Contracts;
