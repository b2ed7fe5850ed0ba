// Public entry of store/: SQLite open, pragmas, numbered migrations.
export * from './sqlite.js';
