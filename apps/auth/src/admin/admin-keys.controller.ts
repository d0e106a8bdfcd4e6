import { Controller, Get, HttpException, Post, UseGuards } from '@nestjs/common';
import { RotationPending, SigningKeysService } from '../oidc/keys/signing-keys.service';
import { AdminGuard } from './admin.guard';

/** The signing keys: their states, and a rotation by hand (the schedule rotates on its own). */
@Controller('admin/keys')
@UseGuards(AdminGuard)
export class AdminKeysController {
  constructor(private readonly keys: SigningKeysService) {}

  @Get()
  list() {
    return this.keys.list();
  }

  /** 201 with the new key, published now and signing after KEY_PREPUBLISH_SECONDS; 409 while one already waits. */
  @Post('rotate')
  async rotate() {
    try {
      return await this.keys.rotate();
    } catch (err) {
      if (err instanceof RotationPending) throw new HttpException({ error: 'conflict', error_description: err.message, next: err.next }, 409);
      throw err;
    }
  }
}
