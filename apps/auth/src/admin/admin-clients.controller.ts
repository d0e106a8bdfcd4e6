import { ClientMetadata } from '@idp/domain';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ClientDto, ClientMetadataDto, ClientMetadataUpdateDto } from './dto/client-metadata.dto';
import { dtoProblems } from './dto/dto-problems';
import { FieldErrors } from '../oidc/clients/client-metadata.validator';
import { ApiErrorDto } from './dto/errors.dto';
import { Client, ClientsService } from '../oidc/clients/clients.service';
import { validateClientMetadata } from '../oidc/clients/client-metadata.validator';
import { resolveSector } from '../oidc/clients/sector';
import { Outbound } from '@idp/outbound';
import { ResourcesService } from '../oidc/resources.service';
import { AdminGuard } from './admin.guard';
import { ConflictError, FieldValidationError, NotFoundError, requireObject } from './admin-errors';

/** Each field's own check by the DTO class, then the rules between fields; one answer naming every field at fault. */
function problems(rules: FieldErrors, fields: FieldErrors): FieldErrors {
  return { ...rules, ...fields };
}

function view(client: Client & { createdAt?: Date }, secret?: string) {
  return {
    client_id: client.clientId,
    ...(secret ? { client_secret: secret, client_secret_expires_at: 0 } : {}),
    ...client.metadata,
    ...(client.createdAt ? { client_id_issued_at: Math.floor(client.createdAt.getTime() / 1000) } : {}),
  };
}

/** Clients by RFC 7591 metadata names. The secret is shown once, on creation. */
@ApiTags('admin')
@ApiBearerAuth('admin_token')
@ApiUnauthorizedResponse({ description: 'no or a wrong ADMIN_TOKEN', type: ApiErrorDto })
@Controller('admin/clients')
@UseGuards(AdminGuard)
export class AdminClientsController {
  constructor(
    private readonly clients: ClientsService,
    private readonly resources: ResourcesService,
    private readonly outbound: Outbound,
  ) {}

  @Post()
  @ApiBody({ type: ClientMetadataDto })
  @ApiCreatedResponse({ type: ClientDto, description: 'the stored metadata, and client_secret (shown once) for a confidential client' })
  @ApiBadRequestResponse({ type: ApiErrorDto })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'client_id is taken' })
  async create(@Body() body: unknown) {
    const input = requireObject(body);
    const { metadata, errors: rules } = validateClientMetadata(input);
    const errors = problems(rules, dtoProblems(ClientMetadataDto, input));
    if (Object.keys(errors).length) throw new FieldValidationError(errors);
    await this.applySector(metadata);
    // A resource's client_id counts as taken too: the introspection endpoint must know who is calling.
    if (input.client_id && ((await this.clients.find(input.client_id)) || (await this.resources.findByClientId(input.client_id as string)))) {
      throw new ConflictError('client_id', 'client_id is taken');
    }
    const { client, secret } = await this.clients.create(metadata, input.client_id as string | undefined);
    return view(client, secret);
  }

  @Get()
  @ApiOkResponse({ type: [ClientDto] })
  async list() {
    return (await this.clients.list()).map((c) => view(c));
  }

  @Get(':id')
  @ApiOkResponse({ type: ClientDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async get(@Param('id') id: string) {
    const client = await this.clients.find(id);
    if (!client) throw new NotFoundError('client');
    return view(client);
  }

  @Patch(':id')
  @ApiBody({ type: ClientMetadataUpdateDto, description: 'the fields to change' })
  @ApiOkResponse({ type: ClientDto })
  @ApiBadRequestResponse({ type: ApiErrorDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async update(@Param('id') id: string, @Body() body: unknown) {
    const input = requireObject(body);
    const current = await this.clients.find(id);
    if (!current) throw new NotFoundError('client');
    if (input.client_id !== undefined && input.client_id !== id) throw new FieldValidationError({ client_id: 'cannot be changed' });
    const { metadata, errors: rules } = validateClientMetadata(input, current.metadata);
    const errors = problems(rules, dtoProblems(ClientMetadataUpdateDto, input));
    if (Object.keys(errors).length) throw new FieldValidationError(errors);
    await this.applySector(metadata);
    const updated = await this.clients.update(id, metadata);
    if (!updated) throw new NotFoundError('client');
    return view(updated.client, updated.secret);
  }

  private async applySector(metadata: ClientMetadata): Promise<void> {
    const { sector, errors } = await resolveSector(metadata, this.outbound);
    if (Object.keys(errors).length) throw new FieldValidationError(errors);
    if (sector) metadata.sector = sector;
    else delete metadata.sector;
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'removed' })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async remove(@Param('id') id: string) {
    if (!(await this.clients.remove(id))) throw new NotFoundError('client');
  }
}
