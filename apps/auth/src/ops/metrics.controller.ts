import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { MetricsService } from './metrics.service';

@Controller()
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get('metrics')
  async scrape(@Res() reply: FastifyReply) {
    void reply.header('Content-Type', this.metrics.registry.contentType).send(await this.metrics.exposition());
  }
}
