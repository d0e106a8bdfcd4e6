import { Controller, Get } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { BusClient } from '@idp/bus';
import { AccountsSubjects, ConsentSubjects } from '@idp/contracts';

/** Liveness (the process answers) and readiness (database and both bus services answer). */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly typeorm: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly bus: BusClient,
    @InjectDataSource('auth') private readonly db: DataSource,
  ) {}

  @Get('live')
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.typeorm.pingCheck('database', { connection: this.db, timeout: 2000 }),
      () => this.ping('accounts', AccountsSubjects.ping),
      () => this.ping('consent', ConsentSubjects.ping),
    ]);
  }

  private async ping(key: string, subject: typeof AccountsSubjects.ping | typeof ConsentSubjects.ping) {
    const check = this.indicators.check(key);
    try {
      await this.bus.value(subject, {});
      return check.up();
    } catch (err) {
      return check.down({ message: (err as Error).message });
    }
  }
}
