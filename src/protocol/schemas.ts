// Owns the web↔webcache contract: one zod schema per request, reply and stream. The methods of
// each feature live in their own module (methods-*.ts) and are merged here.
// Must not import anything but base/: web and webcache may live on different hosts.
import { z } from 'zod';
import {
  folderInfo,
  folderPath,
  messageDetail,
  messageSummary,
  pagePosition,
  pageRequest,
  sortField,
  sortOrder,
  withSession,
} from './shapes.js';
import { composeMethods } from './methods-compose.js';
import { organiseMethods } from './methods-organise.js';
import { searchMethods } from './methods-search.js';
import { opsMethods } from './methods-ops.js';
import { threadMethods } from './methods-threads.js';

export * from './shapes.js';
export * from './methods-compose.js';
export * from './methods-organise.js';
export * from './methods-search.js';
export * from './methods-ops.js';
export * from './methods-threads.js';

/** The reading methods of the core: sign-in, folders, index, message. */
const coreMethods = {
  ping: {
    params: z.object({}),
    result: z.object({ pid: z.number().int(), uptimeMs: z.number(), sessions: z.number().int() }),
  },
  login: {
    params: z.object({
      ...withSession,
      user: z.string().min(1).max(320),
      domain: z.string().min(1).max(253),
      password: z.string().min(1).max(1024),
    }),
    result: z.object({ user: z.string(), domain: z.string(), capabilities: z.array(z.string()) }),
  },
  logout: {
    params: z.object(withSession),
    result: z.object({ wasOpen: z.boolean() }),
  },
  listFolders: {
    params: z.object(withSession),
    result: z.object({ folders: z.array(folderInfo), separator: z.string() }),
  },
  listMessages: {
    params: z.object({
      ...withSession,
      folder: folderPath,
      sort: sortField,
      order: sortOrder,
      ...pageRequest,
    }),
    result: z.object({
      folder: folderInfo,
      total: z.number().int().min(0),
      unread: z.number().int().min(0),
      ...pagePosition,
      messages: z.array(messageSummary),
    }),
  },
  getMessage: {
    params: z.object({
      ...withSession,
      folder: folderPath,
      uid: z.number().int().positive(),
      sort: sortField,
      order: sortOrder,
      markRead: z.boolean(),
    }),
    result: messageDetail,
  },
  /** What a session's cache holds; used by tests, the benchmark and metrics. */
  sessionStats: {
    params: z.object(withSession),
    result: z.object({
      selectedFolder: z.string().nullable(),
      indexedFolders: z.number().int().min(0),
      indexedMessages: z.number().int().min(0),
      /** Messages of indexed folders whose snippet is not fetched yet. */
      snippetsPending: z.number().int().min(0),
      isConnected: z.boolean(),
    }),
  },
} as const;

/** Every RPC method: params and result. */
export const methods = {
  ...coreMethods,
  ...organiseMethods,
  ...composeMethods,
  ...searchMethods,
  ...opsMethods,
  ...threadMethods,
} as const;

export type MethodName = keyof typeof methods;
export type Params<M extends MethodName> = z.infer<(typeof methods)[M]['params']>;
export type Result<M extends MethodName> = z.infer<(typeof methods)[M]['result']>;

/** Streamed replies: the body is raw bytes, the metadata travels in a header. */
export const streams = {
  messageSource: {
    params: z.object({
      ...withSession,
      folder: folderPath,
      uid: z.number().int().positive(),
    }),
  },
  downloadPart: {
    params: z.object({
      ...withSession,
      folder: folderPath,
      uid: z.number().int().positive(),
      part: z.string().regex(/^\d+(\.\d+)*$/),
    }),
  },
} as const;

export type StreamName = keyof typeof streams;
export type StreamParams<S extends StreamName> = z.infer<(typeof streams)[S]['params']>;

export const streamMeta = z.object({
  contentType: z.string(),
  filename: z.string(),
  /** Size in bytes when known before streaming, else null. */
  size: z.number().int().min(0).nullable(),
});
export type StreamMeta = z.infer<typeof streamMeta>;

/** How an error crosses the boundary. */
export const wireError = z.object({
  code: z.string(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type WireError = z.infer<typeof wireError>;
