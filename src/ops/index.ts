export * from './demo/index.js';
export * from './probe-imap/index.js';
export * from './configure/index.js';
export * from './sweep/index.js';
export * from './webcache-link.js';
export * from './hang-detector/index.js';
