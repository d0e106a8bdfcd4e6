export * from './outbound';
export * from './special-use';
