// Owns the environment AlphaMail's long-running processes (web, webcache) start with: glibc
// malloc settings that give freed memory back to the system. Must not carry secrets or config.

/**
 * Index columns, text arenas and IMAP buffers live outside the JS heap, in malloc'd memory.
 * glibc's defaults raise the mmap threshold after large blocks are freed and keep an arena per
 * thread, so what a finished index build freed stays in RSS (measured on a 100,000-message
 * folder: about 1,100 bytes per message kept against 190 live). A fixed 128 KiB mmap and trim
 * threshold and two arenas return it; large blocks cost an mmap/munmap pair, which is cheap.
 */
export const daemonMallocEnv: Readonly<Record<string, string>> = {
  MALLOC_ARENA_MAX: '2',
  MALLOC_MMAP_THRESHOLD_: '131072',
  MALLOC_TRIM_THRESHOLD_: '131072',
};

/** `base` with the malloc settings added; values the operator set explicitly win. */
export function daemonEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...daemonMallocEnv, ...base };
}
