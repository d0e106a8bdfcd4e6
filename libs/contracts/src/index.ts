export * from './reply';
export * from './accounts.v1';
export * from './consent.v1';
export * from './subjects';
export * from './events.v1';
export * from './certificates.v1';
export * from './second-factor.v1';
export * from './organisations.v1';
