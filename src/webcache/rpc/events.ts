// Owns the event stream of a session: 'mail' when a new message arrives in the selected folder.
// Must not send IMAP commands: it only forwards what the live sync saw.
import type { EventsHandler } from '../../protocol/index.js';
import type { RpcContext } from './context.js';

export function events(ctx: RpcContext): EventsHandler {
  return async (sessionKey, send, signal) => {
    const session = ctx.registry.get(sessionKey);
    await new Promise<void>((resolve) => {
      const stop = session.onMail((event) => send('mail', event));
      const finish = (): void => {
        stop();
        resolve();
      };
      if (signal.aborted) finish();
      else signal.addEventListener('abort', finish, { once: true });
    });
  };
}
