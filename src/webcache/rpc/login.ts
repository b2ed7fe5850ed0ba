// Owns the `login` method: opens (or replaces) the session's IMAP connection.
// Must not log or keep the password outside the session object.
import type { Params, Result } from '../../protocol/index.js';
import type { RpcContext } from './context.js';

/** The folder shown first after sign-in (RFC 3501 §5.1: the name INBOX is reserved). */
const inboxPath = 'INBOX';

export function login(ctx: RpcContext) {
  return async (params: Params<'login'>): Promise<Result<'login'>> => {
    const session = await ctx.registry.login(
      params.session,
      params.user,
      params.domain,
      params.password,
    );
    // The web tier lands on INBOX after sign-in: its stored index loads while LIST is answered.
    session.preloadStored(inboxPath);
    // The folder list now, in the login's own step: the first index page then never waits
    // for LIST behind a big folder's index build (see UserSession.coldFirstPage).
    await session
      .run('listFolders', 'user', async (client) => ({
        value: await session.folderListWith(client),
      }))
      .catch((err: unknown) => session.logger.debug({ err }, 'folder list after login failed'));
    return {
      user: session.user,
      domain: session.domain.domain,
      capabilities: session.capabilities(),
    };
  };
}
