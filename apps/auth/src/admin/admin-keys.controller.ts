import { Controller, Get, HttpException, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ApiErrorDto } from './dto/errors.dto';
import { RotationPending, SigningKeysService } from '../oidc/keys/signing-keys.service';
import { AdminGuard } from './admin.guard';

/** The signing keys: their states, and a rotation by hand (the schedule rotates on its own). */
@ApiTags('admin')
@ApiBearerAuth('admin_token')
@ApiUnauthorizedResponse({ description: 'no or a wrong ADMIN_TOKEN', type: ApiErrorDto })
@Controller('admin/keys')
@UseGuards(AdminGuard)
export class AdminKeysController {
  constructor(private readonly keys: SigningKeysService) {}

  @Get()
  @ApiOkResponse({ description: 'kid, alg, status (next, current, retiring, retired) and dates of each key' })
  list() {
    return this.keys.list();
  }

  /** 201 with the new key, published now and signing after KEY_PREPUBLISH_SECONDS; 409 while one already waits. */
  @Post('rotate')
  @ApiCreatedResponse({ description: 'the new key, published now and signing after KEY_PREPUBLISH_SECONDS' })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'a next key is already waiting' })
  async rotate() {
    try {
      return await this.keys.rotate();
    } catch (err) {
      if (err instanceof RotationPending) throw new HttpException({ error: 'conflict', error_description: err.message, next: err.next }, 409);
      throw err;
    }
  }
}
