// `npm run test:e2e`: the distributed mode (three apps as separate processes, two auth instances)
// on the real PostgreSQL and NATS, pages driven in Chromium.
const base = require('./jest.base');

module.exports = { ...base, displayName: 'distributed', testMatch: ['<rootDir>/test/distributed/**/*.e2e-spec.ts'], testTimeout: 120000 };
