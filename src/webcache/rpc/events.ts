// Owns the event stream of a session: 'mail' when a new message arrives in the selected folder;
// the stream ends when the session does.
// Must not send IMAP commands: it only forwards what the live sync saw.
import type { EventsHandler } from '../../protocol/index.js';
import type { RpcContext } from './context.js';

export function events(ctx: RpcContext): EventsHandler {
  return async (sessionKey, send, signal) => {
    const session = ctx.registry.get(sessionKey);
    await new Promise<void>((resolve) => {
      const stopMail = session.onMail((event) => send('mail', event));
      // A session that ends ends its stream too, so the web tier notices and re-logs in.
      const stopClosed = session.onClosed(() => finish());
      const finish = (): void => {
        stopMail();
        stopClosed();
        resolve();
      };
      if (signal.aborted) finish();
      else signal.addEventListener('abort', finish, { once: true });
    });
  };
}
