// @swc/jest transforms our TypeScript and the ESM-only @nestjs packages (STACK.md pitfall 2).
const swcTs = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};
const swcJs = {
  jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' },
  module: { type: 'commonjs' },
};

const shared = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['@swc/jest', swcTs],
    '^.+\\.m?js$': ['@swc/jest', swcJs],
  },
  // jose too: ESM-only, imported by the OAuth client assertion (Node itself requires it natively).
  transformIgnorePatterns: ['/node_modules/(?!@nestjs/|jose/)'],
  moduleNameMapper: {
    '^@omni2/contracts$': '<rootDir>/libs/contracts/src/index.ts',
    '^@omni2/testkit$': '<rootDir>/libs/testkit/src/index.ts',
    '^@omni2/api-client$': '<rootDir>/libs/api-client/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/data/'],
  // The console's own unit tests run on Vitest (ng test), not here.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/apps/console/'],
};

/** @type {import('jest').Config} */
module.exports = {
  // Global only: Jest ignores testTimeout inside projects. Bounds a hung test, not a speed target.
  testTimeout: 60_000,
  globalSetup: '<rootDir>/apps/gateway/test/global-setup.js',
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'medium',
      testMatch: ['<rootDir>/{apps,libs}/**/*.medium-spec.ts'],
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/apps/**/*.e2e-spec.ts'],
    },
    {
      // The console in headless Chromium against the real gateway (builds the console if stale).
      ...shared,
      displayName: 'browser',
      testMatch: ['<rootDir>/apps/gateway/test/browser/**/*.browser-spec.ts'],
      globalSetup: '<rootDir>/apps/gateway/test/browser/global-setup.js',
    },
    // `npm run screenshots` only: rewrites docs/screenshots/*.png.
    ...(process.env.OMNI2_SCREENSHOTS === '1'
      ? [
          {
            ...shared,
            displayName: 'screenshots',
            testMatch: ['<rootDir>/apps/gateway/test/browser/**/*.shots.ts'],
            globalSetup: '<rootDir>/apps/gateway/test/browser/global-setup.js',
          },
        ]
      : []),
  ],
};
