// `npm test`: unit specs next to the code, and the end-to-end suite on the embedded mode.
// Needs nothing but Node.
const base = require('./test/jest.base');

module.exports = {
  testTimeout: 120000,
  // PGlite's WebAssembly postgres leaves a 10 s interval timer armed after close(); without this the
  // run would sit idle for those 10 s after the last test.
  forceExit: true,
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/apps/**/*.spec.ts', '<rootDir>/libs/**/*.spec.ts', '<rootDir>/bench/**/*.spec.ts'] },
    { ...base, displayName: 'embedded', testMatch: ['<rootDir>/test/embedded/**/*.e2e-spec.ts'] },
  ],
};
