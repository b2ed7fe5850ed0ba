// Owns the `liveSpools` method: the spool directory names of the sessions held now, so the
// sweeper knows which directories are orphans. Must not reveal session keys (only their hashes).
import { basename } from 'node:path';
import type { Params, Result } from '../../protocol/index.js';
import { sessionSpoolDir } from '../compose/spool.js';
import type { RpcContext } from './context.js';

export function liveSpools(ctx: RpcContext) {
  return (_params: Params<'liveSpools'>): Promise<Result<'liveSpools'>> =>
    Promise.resolve({
      spoolDirs: ctx.registry
        .keys()
        .map((key) => basename(sessionSpoolDir(ctx.config.dataDir, key))),
    });
}
