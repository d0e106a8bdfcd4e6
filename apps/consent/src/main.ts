import 'reflect-metadata';
import { runBusService } from '@idp/bus';
import { ConsentModule } from './consent.module';

runBusService('consent', ConsentModule).catch((err) => {
  process.stderr.write(`consent failed to start: ${err?.stack ?? err}\n`);
  process.exit(1);
});
