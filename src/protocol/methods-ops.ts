// Owns the contract of the operations tools (sweeper): which sessions the webcache holds.
// Must not import anything but zod: the sweeper may run where only protocol/ is.
import { z } from 'zod';

/** The name of a session's spool directory: 32 hex digits of a hash of its key, never the key. */
export const spoolDirName = z.string().regex(/^[0-9a-f]{32}$/);

export const opsMethods = {
  /** Spool directory names of the sessions alive now; the sweeper keeps exactly these. */
  liveSpools: {
    params: z.object({}),
    result: z.object({ spoolDirs: z.array(spoolDirName) }),
  },
} as const;
