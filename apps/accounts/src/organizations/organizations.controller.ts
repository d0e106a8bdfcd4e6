import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  DomainClaimRequest, DomainVerifiedRequest, FederatedLinkRequest, FederatedSignInRequest, FederatedUnlinkRequest, InvitationsAcceptRequest, InviteRequest, MemberRemoveRequest,
  MemberSetRequest, OrgCreateRequest, OrgIdRequest, OrgUpdateRequest, OrganisationsSubjects as S, RouteRequest, fail, ok,
} from '@idp/contracts';
import { FederatedIdentitiesService } from './federated-identities.service';
import { OrganizationsService } from './organizations.service';

/** The organisations' bus surface (accounts service). */
@Controller()
export class OrganizationsController {
  constructor(
    private readonly orgs: OrganizationsService,
    private readonly federated: FederatedIdentitiesService,
  ) {}

  @MessagePattern(S.create)
  create(@Payload() req: OrgCreateRequest) {
    return this.orgs.create(req.name, req.owner_sub, req.actor);
  }

  @MessagePattern(S.list)
  async list() {
    return ok(await this.orgs.list());
  }

  @MessagePattern(S.get)
  get(@Payload() req: OrgIdRequest) {
    return this.orgs.get(String(req.id));
  }

  @MessagePattern(S.update)
  update(@Payload() req: OrgUpdateRequest) {
    return this.orgs.update(String(req.id), req.name, req.actor);
  }

  @MessagePattern(S.remove)
  remove(@Payload() req: OrgIdRequest) {
    return this.orgs.remove(String(req.id), req.actor);
  }

  @MessagePattern(S.memberSet)
  setMember(@Payload() req: MemberSetRequest) {
    return this.orgs.setMember(String(req.id), String(req.sub), req.role, req.actor);
  }

  @MessagePattern(S.memberRemove)
  removeMember(@Payload() req: MemberRemoveRequest) {
    return this.orgs.removeMember(String(req.id), String(req.sub), req.actor);
  }

  @MessagePattern(S.invite)
  invite(@Payload() req: InviteRequest) {
    return this.orgs.invite(req);
  }

  @MessagePattern(S.invitationsAccept)
  async accept(@Payload() req: InvitationsAcceptRequest) {
    return ok({ joined: await this.orgs.acceptInvitations(String(req.sub)) });
  }

  @MessagePattern(S.domainClaim)
  claimDomain(@Payload() req: DomainClaimRequest) {
    return this.orgs.claimDomain(String(req.id), String(req.domain), req.actor);
  }

  @MessagePattern(S.domainVerified)
  domainVerified(@Payload() req: DomainVerifiedRequest) {
    return this.orgs.markVerified(String(req.id), String(req.domain), req.method, req.actor);
  }

  @MessagePattern(S.domainRemove)
  removeDomain(@Payload() req: DomainClaimRequest) {
    return this.orgs.removeDomain(String(req.id), String(req.domain), req.actor);
  }

  @MessagePattern(S.route)
  async route(@Payload() req: RouteRequest) {
    const route = await this.orgs.route(String(req.email ?? ''));
    return route ? ok(route) : fail('not_found', 'no verified domain for this address');
  }

  @MessagePattern(S.memberships)
  async memberships(@Payload() req: InvitationsAcceptRequest) {
    return ok(await this.orgs.memberships(String(req.sub)));
  }

  @MessagePattern(S.federatedSignIn)
  federatedSignIn(@Payload() req: FederatedSignInRequest) {
    return this.federated.signIn(req);
  }

  @MessagePattern(S.federatedLink)
  federatedLink(@Payload() req: FederatedLinkRequest) {
    return this.federated.link(req);
  }

  @MessagePattern(S.federatedUnlink)
  federatedUnlink(@Payload() req: FederatedUnlinkRequest) {
    return this.federated.unlink(req);
  }
}
