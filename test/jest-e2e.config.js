// `npm run test:e2e`: the distributed mode (three apps as separate processes, two auth instances)
// on the real PostgreSQL and NATS, pages driven in Chromium.
const base = require('./jest.base');

// forceExit: a failed start must not leave the run waiting on a browser or a child process.
module.exports = { ...base, forceExit: true, displayName: 'distributed', testMatch: ['<rootDir>/test/distributed/**/*.e2e-spec.ts'], testTimeout: 120000 };
