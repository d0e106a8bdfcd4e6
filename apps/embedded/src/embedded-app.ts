import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig } from '@idp/config';
import { InProcessTransport } from '@idp/bus';
import { closeEmbeddedDatabase } from '@idp/database';
import { createHttpApp, listen } from '../../auth/src/http-app';
import { DemoSetupService } from '../../auth/src/demo/demo-setup.service';
import { EmbeddedModule } from './embedded.module';

/** Starts the embedded platform (used by `npm start` and by the end-to-end tests). */
export async function startEmbedded(config: AppConfig): Promise<NestFastifyApplication> {
  const app = await createHttpApp(EmbeddedModule.forRoot(config), config);
  app.connectMicroservice({ strategy: app.get(InProcessTransport) }, { inheritAppConfig: true });
  await app.startAllMicroservices();
  await listen(app, config);
  if (config.demo) await app.get(DemoSetupService).ensure();
  const close = app.close.bind(app);
  app.close = async () => {
    await close();
    await closeEmbeddedDatabase();
  };
  return app;
}
