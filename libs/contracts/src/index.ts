export * from './statuses';
export * from './health-status';
export * from './error-codes';
export * from './server-view';
export * from './health-check';
export * from './capabilities';
export * from './runtime-config';
