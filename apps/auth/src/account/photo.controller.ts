import { Controller, Get, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AccountActionsService } from './account-actions.service';
import { AccountCallerService } from './account-caller.service';
import { AccountApiError, notFound } from './account-errors';
import { photoHeaders } from './account-pages.controller';

/** The user's picture for partners: an access token with the `picture` or `photo` scope. The `picture` claim points here. */
@Controller('api/v1/userdata')
export class UserPhotoController {
  constructor(
    private readonly callers: AccountCallerService,
    private readonly actions: AccountActionsService,
  ) {}

  @Get('photo')
  async photo(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    if (!req.headers.authorization) throw new AccountApiError(401, 'invalid_token', 'send an access token with the picture or photo scope');
    const caller = await this.callers.api(req, ['picture', 'photo']);
    const photo = await this.actions.photo(caller.sub);
    if (!photo) throw notFound('photo');
    void reply.headers({ ...photoHeaders(photo.contentType, 'private, max-age=60'), 'Last-Modified': new Date(photo.updatedAt).toUTCString() }).send(photo.data);
  }
}
