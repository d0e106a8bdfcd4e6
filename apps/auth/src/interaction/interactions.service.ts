import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Repository } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@idp/config';
import { AuthorizationRequest, InteractionEntity, InteractionState } from '@idp/domain';
import { randomToken, safeEqual } from '../oidc/crypto';

export const INTERACTION_COOKIE = 'idp_interaction';

/**
 * Persisted login/consent interactions. Each is bound to the browser that started it by a cookie
 * scoped to its own path, which also serves as the forms' CSRF token (checked against the row).
 */
@Injectable()
export class InteractionsService {
  constructor(
    @InjectRepository(InteractionEntity, 'auth') private readonly interactions: Repository<InteractionEntity>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async start(
    reply: FastifyReply,
    request: AuthorizationRequest,
    state: InteractionState,
    user?: { userId: string; sessionId: string; authTime: Date; amr: string[]; locale?: string | null },
  ): Promise<InteractionEntity> {
    const interaction = this.interactions.create({
      id: randomToken('base64url', 18),
      state,
      clientId: request.client_id,
      request,
      csrfToken: randomToken(),
      userId: user?.userId ?? null,
      sessionId: user?.sessionId ?? null,
      authTime: user?.authTime ?? null,
      amr: user?.amr ?? [],
      userLocale: user?.locale ?? null,
      expiresAt: new Date(Date.now() + this.config.ttl.interaction * 1000),
    });
    await this.interactions.insert(interaction);
    void reply.setCookie(INTERACTION_COOKIE, interaction.csrfToken, {
      path: `/interaction/${interaction.id}`,
      httpOnly: true,
      sameSite: 'lax',
      secure: this.config.issuer.startsWith('https://'),
      maxAge: this.config.ttl.interaction,
    });
    return interaction;
  }

  /** The live interaction this browser owns, or null (unknown, expired, finished, or not this browser's). */
  async find(id: string, req: FastifyRequest): Promise<InteractionEntity | null> {
    if (!/^[A-Za-z0-9_-]{10,64}$/.test(id)) return null;
    const interaction = await this.interactions.findOne({ where: { id } });
    if (!interaction || interaction.expiresAt.getTime() <= Date.now()) return null;
    if (interaction.state === 'completed' || interaction.state === 'aborted') return null;
    const cookie = req.cookies?.[INTERACTION_COOKIE];
    if (!cookie || !safeEqual(cookie, interaction.csrfToken)) return null;
    return interaction;
  }

  csrfValid(interaction: InteractionEntity, submitted: unknown): boolean {
    return typeof submitted === 'string' && safeEqual(submitted, interaction.csrfToken);
  }

  /** Moves the interaction on, but only from the state it was read in: a double submit cannot finish it twice. */
  async transition(interaction: InteractionEntity, to: InteractionState, changes: Partial<InteractionEntity> = {}): Promise<boolean> {
    const result = await this.interactions.update({ id: interaction.id, state: interaction.state }, { ...changes, state: to });
    if (!result.affected) return false;
    Object.assign(interaction, changes, { state: to });
    return true;
  }

  async recordError(interaction: InteractionEntity, error: string): Promise<void> {
    await this.interactions.update({ id: interaction.id }, { lastError: error });
  }
}
