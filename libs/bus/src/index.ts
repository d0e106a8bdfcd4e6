export * from './bus.client';
export * from './bus.module';
export * from './in-process.transport';
export * from './nats-bus.client';
export * from './bus-service';
export * from './events';
