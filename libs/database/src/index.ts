export * from './database.module';
export * from './embedded-db';
export * from './migrate';
export * from './pglite.driver';
export * from './database-errors';
export * from './check-constraint';
export * from './prepared-query';
