// Owns the contract for organising mail: flags, copy, move, delete, junk, empty, undo, and folder
// management (create, rename, delete, subscribe). Must not import anything but zod and shapes.ts.
import { z } from 'zod';
import { folderPath, withSession } from './shapes.js';

/** Messages one request may touch: a page of the index is at most 500 rows. */
export const maxOrganiseUids = 500;

/** A folder name the user typed: one segment, checked against the separator by the webcache. */
const folderName = z.string().min(1).max(200);
const uids = z.array(z.number().int().positive().max(0xffffffff)).min(1).max(maxOrganiseUids);
const selection = { ...withSession, folder: folderPath, uids };

export const flagChange = z.enum(['add', 'remove']);
export type FlagChange = z.infer<typeof flagChange>;

/** What a move or delete left behind for undo; null when it cannot be undone. */
export const undoInfo = z
  .object({
    /** Where the messages went (Trash, Junk or the chosen folder). */
    folder: folderPath,
    count: z.number().int().min(1),
  })
  .nullable();

export const organiseMethods = {
  /** Adds or removes \Seen and/or \Flagged; a flag left out is not touched. */
  setFlags: {
    params: z.object({
      ...selection,
      seen: flagChange.nullable(),
      flagged: flagChange.nullable(),
    }),
    result: z.object({ updated: z.number().int().min(0) }),
  },
  copyMessages: {
    params: z.object({ ...selection, destination: folderPath }),
    result: z.object({ copied: z.number().int().min(0) }),
  },
  /** MOVE where the server offers it (RFC 6851), else COPY, \Deleted and UID EXPUNGE. */
  moveMessages: {
    params: z.object({ ...selection, destination: folderPath }),
    result: z.object({ moved: z.number().int().min(0), undo: undoInfo }),
  },
  /**
   * Moves to Trash. In Trash, or when there is no Trash, deleting is for good and is refused with
   * AM_CONFIRM_REQUIRED unless `permanent` says the user confirmed it.
   */
  deleteMessages: {
    params: z.object({ ...selection, permanent: z.boolean() }),
    result: z.object({
      deleted: z.number().int().min(0),
      isPermanent: z.boolean(),
      undo: undoInfo,
    }),
  },
  /** Moves to the Junk folder (AM_NO_SPECIAL_FOLDER when there is none). */
  markJunk: {
    params: z.object(selection),
    result: z.object({ moved: z.number().int().min(0), undo: undoInfo }),
  },
  /** Deletes every message of Trash or Junk for good; other folders are refused. */
  emptyFolder: {
    params: z.object({ ...withSession, folder: folderPath }),
    result: z.object({ deleted: z.number().int().min(0) }),
  },
  /** Moves the messages of this session's last move or delete back (AM_NOTHING_TO_UNDO). */
  undo: {
    params: z.object(withSession),
    result: z.object({ restored: z.number().int().min(0), folder: folderPath }),
  },
  /** A new folder `name` (a display name, one segment) inside `parent` (null: top level). */
  createFolder: {
    params: z.object({ ...withSession, parent: folderPath.nullable(), name: folderName }),
    result: z.object({ path: z.string() }),
  },
  /** Gives a folder a new name under the same parent; its subfolders follow it. */
  renameFolder: {
    params: z.object({ ...withSession, folder: folderPath, name: folderName }),
    result: z.object({ path: z.string() }),
  },
  /** Deletes a folder and the messages in it (the web asks for confirmation first). */
  deleteFolder: {
    params: z.object({ ...withSession, folder: folderPath }),
    result: z.object({ deleted: z.boolean() }),
  },
  setSubscribed: {
    params: z.object({ ...withSession, folder: folderPath, subscribed: z.boolean() }),
    result: z.object({ subscribed: z.boolean() }),
  },
} as const;
