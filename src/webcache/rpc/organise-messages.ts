// Owns the message-organising methods (setFlags, copyMessages, moveMessages, deleteMessages,
// markJunk, emptyFolder, undo): one handler each. Must not hold IMAP logic: organise/ does.
import type { Params, Result } from '../../protocol/index.js';
import * as organise from '../organise/messages.js';
import type { RpcContext } from './context.js';

export function setFlags(ctx: RpcContext) {
  return (p: Params<'setFlags'>): Promise<Result<'setFlags'>> =>
    organise.setFlags(ctx.registry.get(p.session), p);
}

export function copyMessages(ctx: RpcContext) {
  return (p: Params<'copyMessages'>): Promise<Result<'copyMessages'>> =>
    organise.copyMessages(ctx.registry.get(p.session), p);
}

export function moveMessages(ctx: RpcContext) {
  return (p: Params<'moveMessages'>): Promise<Result<'moveMessages'>> =>
    organise.moveMessages(ctx.registry.get(p.session), p);
}

export function deleteMessages(ctx: RpcContext) {
  return (p: Params<'deleteMessages'>): Promise<Result<'deleteMessages'>> =>
    organise.deleteMessages(ctx.registry.get(p.session), p);
}

export function markJunk(ctx: RpcContext) {
  return (p: Params<'markJunk'>): Promise<Result<'markJunk'>> =>
    organise.markJunk(ctx.registry.get(p.session), p);
}

export function emptyFolder(ctx: RpcContext) {
  return (p: Params<'emptyFolder'>): Promise<Result<'emptyFolder'>> =>
    organise.emptyFolder(ctx.registry.get(p.session), p);
}

export function undo(ctx: RpcContext) {
  return (p: Params<'undo'>): Promise<Result<'undo'>> =>
    organise.undoLast(ctx.registry.get(p.session));
}
