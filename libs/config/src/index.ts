export * from './config';
export * from './config.module';
export * from './boot';
export * from './logger';
export * from './certificate-config';
