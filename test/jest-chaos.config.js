// `npm run test:chaos`: the chaos run against the distributed topology (its own NATS and database).
const base = require('./jest.base');

module.exports = { ...base, forceExit: true, displayName: 'chaos', testMatch: ['<rootDir>/test/chaos/**/*.chaos-spec.ts'], testTimeout: 240000 };
