// Public entry of ops/demo: a throwaway loopback Dovecot with generated mail and a private
// Postfix delivering into it, for `npm start` and the tests. Must not be used against a real
// mail server or outside loopback.
export * from './dovecot.js';
export * from './dovecot-config.js';
export * from './maildir.js';
export * from './mail-generator.js';
export { trackingPixelUrl, bodyKinds } from './mail-bodies.js';
export * from './seed.js';
export * from './postfix.js';
