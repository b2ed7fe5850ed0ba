// Public entry of webcache/compose/: drafts, sending, reply/forward templates, suggestions.
// Must not be imported from outside webcache/ (rpc/ calls it).
import { AlphaMailError } from '../../base/index.js';
import type { AlphaMailConfig } from '../../config/index.js';
import type { Params, Result } from '../../protocol/index.js';
import type { UserSession } from '../session/user-session.js';

export { removeSessionSpool, spoolUpload } from './spool.js';

function notYet(): never {
  throw new AlphaMailError('AM_INTERNAL', 'not built yet');
}

export function saveDraft(
  _s: UserSession,
  _c: AlphaMailConfig,
  _p: Params<'saveDraft'>,
): Promise<Result<'saveDraft'>> {
  return Promise.resolve().then(notYet);
}
export function getDraft(
  _s: UserSession,
  _c: AlphaMailConfig,
  _p: Params<'getDraft'>,
): Promise<Result<'getDraft'>> {
  return Promise.resolve().then(notYet);
}
export function sendMessage(
  _s: UserSession,
  _c: AlphaMailConfig,
  _p: Params<'sendMessage'>,
): Promise<Result<'sendMessage'>> {
  return Promise.resolve().then(notYet);
}
export function composeFrom(
  _s: UserSession,
  _c: AlphaMailConfig,
  _p: Params<'composeFrom'>,
): Promise<Result<'composeFrom'>> {
  return Promise.resolve().then(notYet);
}
export function suggestAddresses(
  _s: UserSession,
  _c: AlphaMailConfig,
  _p: Params<'suggestAddresses'>,
): Promise<Result<'suggestAddresses'>> {
  return Promise.resolve().then(notYet);
}
