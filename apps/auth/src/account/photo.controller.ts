import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiErrorDto } from '../admin/dto/errors.dto';
import { AccountActionsService } from './account-actions.service';
import { AccountCallerService } from './account-caller.service';
import { AccountApiError, notFound } from './account-errors';
import { photoHeaders } from './account-pages.controller';

/** The user's picture for partners: an access token with the `picture` or `photo` scope. The `picture` claim points here. */
@ApiTags('partner')
@ApiBearerAuth('access_token')
@Controller('api/v1/userdata')
export class UserPhotoController {
  constructor(
    private readonly callers: AccountCallerService,
    private readonly actions: AccountActionsService,
  ) {}

  @Get('photo')
  @ApiOperation({ summary: "The user's picture (the picture claim points here)" })
  @ApiProduces('image/jpeg', 'image/png', 'image/webp')
  @ApiOkResponse({ description: 'the picture, with its own Content-Type', schema: { type: 'string', format: 'binary' } })
  @ApiUnauthorizedResponse({ type: ApiErrorDto, description: 'invalid_token' })
  @ApiForbiddenResponse({ type: ApiErrorDto, description: 'insufficient_scope: the token needs picture or photo' })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'the user has no photo' })
  async photo(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    if (!req.headers.authorization) throw new AccountApiError(401, 'invalid_token', 'send an access token with the picture or photo scope');
    const caller = await this.callers.api(req, ['picture', 'photo']);
    const photo = await this.actions.photo(caller.sub);
    if (!photo) throw notFound('photo');
    void reply.headers({ ...photoHeaders(photo.contentType, 'private, max-age=60'), 'Last-Modified': new Date(photo.updatedAt).toUTCString() }).send(photo.data);
  }
}
