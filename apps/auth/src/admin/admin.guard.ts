import { CanActivate, ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { APP_CONFIG, AppConfig } from '@idp/config';
import { safeEqual } from '../oidc/crypto';

/** The admin API: `Authorization: Bearer $ADMIN_TOKEN`, compared in constant time. */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!m || !safeEqual(m[1], this.config.adminToken)) {
      throw new UnauthorizedException({ error: 'invalid_token', error_description: 'admin API needs Authorization: Bearer <ADMIN_TOKEN>' });
    }
    return true;
  }
}
