// Public entry of base/: errors, logger, HTML brands, deadlines. Imports nothing of ours.
export * from './errors.js';
export * from './logger.js';
export * from './html.js';
export * from './deadline.js';
export * from './errors-doc.js';
export * from './metrics.js';
export * from './cooperative.js';
