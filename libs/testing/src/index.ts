export * from './admin-api';
export * from './browserless';
export * from './cookie-jar';
export * from './ports';
export * from './client-assertions';
export * from './certificates';
