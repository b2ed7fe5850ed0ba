export * from './demo/index.js';
export * from './probe-imap/index.js';
export * from './configure/index.js';
