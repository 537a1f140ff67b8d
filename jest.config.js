// Two projects: `unit` needs no servers; `integration` talks to real Kafka and a real MongoDB-wire server,
// found through KAFKA_BROKERS / MONGODB_URI or started once by the global setup.
const moduleNameMapper = {
  '^@app/contracts$': '<rootDir>/libs/contracts/src',
  '^@app/messaging$': '<rootDir>/libs/messaging/src',
  '^@app/persistence$': '<rootDir>/libs/persistence/src',
  '^@app/config$': '<rootDir>/libs/config/src',
  '^@app/observability$': '<rootDir>/libs/observability/src',
  '^@app/health$': '<rootDir>/libs/health/src',
  '^@app/crypto$': '<rootDir>/libs/crypto/src',
  '^@app/bootstrap$': '<rootDir>/libs/bootstrap/src',
  '^@app/privacy-participant$': '<rootDir>/libs/privacy-participant/src',
  '^@app/testing$': '<rootDir>/test/support',
  '^@app/salla-simulator$': '<rootDir>/tools/salla-simulator/src',
  '^@app/fake-odoo$': '<rootDir>/tools/fake-odoo/src',
};
const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
};
const common = {
  rootDir: __dirname,
  setupFiles: ['reflect-metadata'],
  moduleFileExtensions: ['js', 'json', 'ts'],
  testEnvironment: 'node',
  transform,
  moduleNameMapper,
};

module.exports = {
  // The progress reporter writes only when JEST_PROGRESS_FILE is set (CI: .ci/run).
  reporters: ['default', '<rootDir>/test/support/progress-reporter.js'],
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,tools,test}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs,tools,test}/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/test/integration/global-setup.ts',
      globalTeardown: '<rootDir>/test/integration/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/integration/setup-timeout.ts'],
    },
    {
      // A merchant's whole journey through the four services as processes (`npm run test:e2e`), on a Kafka
      // and a FerretDB of its own (test/support/private-infra.ts), so no global setup.
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
    },
    // `npm run test:chaos`: starts, kills and stops Kafka + FerretDB of its own, so no global setup; not in `npm test`.
    { ...common, displayName: 'chaos', testMatch: ['<rootDir>/test/chaos/**/*.chaos-spec.ts'] },
  ],
};
