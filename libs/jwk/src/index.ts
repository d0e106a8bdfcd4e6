export * from './key-encryption';
export * from './key-ring';
export * from './key-states';
