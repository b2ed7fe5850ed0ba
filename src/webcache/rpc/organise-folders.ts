// Owns the folder-management methods (createFolder, renameFolder, deleteFolder, setSubscribed):
// one handler each. Must not hold IMAP logic: organise/ does.
import type { Params, Result } from '../../protocol/index.js';
import * as folders from '../organise/folders.js';
import type { RpcContext } from './context.js';

export function createFolder(ctx: RpcContext) {
  return (p: Params<'createFolder'>): Promise<Result<'createFolder'>> =>
    folders.createFolder(ctx.registry.get(p.session), p);
}

export function renameFolder(ctx: RpcContext) {
  return (p: Params<'renameFolder'>): Promise<Result<'renameFolder'>> =>
    folders.renameFolder(ctx.registry.get(p.session), p);
}

export function deleteFolder(ctx: RpcContext) {
  return (p: Params<'deleteFolder'>): Promise<Result<'deleteFolder'>> =>
    folders.deleteFolder(ctx.registry.get(p.session), p);
}

export function setSubscribed(ctx: RpcContext) {
  return (p: Params<'setSubscribed'>): Promise<Result<'setSubscribed'>> =>
    folders.setSubscribed(ctx.registry.get(p.session), p);
}
