export * from './key-encryption';
export * from './key-ring';
