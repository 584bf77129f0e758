export * from './tenancy';
export * from './catalog';
export * from './gateway';
export * from './billing';
export * from './governance';
export * from './compliance';
export * from './metering';
export * from './jobs';
