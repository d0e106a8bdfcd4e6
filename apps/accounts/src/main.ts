import 'reflect-metadata';
import { runBusService } from '@idp/bus';
import { AccountsModule } from './accounts.module';

runBusService('accounts', AccountsModule).catch((err) => {
  process.stderr.write(`accounts failed to start: ${err?.stack ?? err}\n`);
  process.exit(1);
});
