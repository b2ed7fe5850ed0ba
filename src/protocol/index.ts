// Public entry of protocol/: the web↔webcache contract (schemas), its framing and both ends.
export * from './schemas.js';
export * from './wire.js';
export * from './client.js';
export * from './server.js';
