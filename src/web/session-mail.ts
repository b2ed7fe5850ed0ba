// Owns calling the webcache on behalf of a signed-in browser, with transparent recovery: when
// the webcache no longer knows the session, it logs in again with the sealed password, once.
// Must not retry anything but AM_SESSION_UNKNOWN, nor keep the clear password beyond the call.
import { AlphaMailError, isAlphaMailError, type Logger } from '../base/index.js';
import type {
  MethodName,
  Params,
  Result,
  StreamMeta,
  StreamName,
  StreamParams,
  UploadMeta,
  UploadResult,
  WebcacheClient,
} from '../protocol/index.js';
import type { Readable } from 'node:stream';
import { openPassword } from './session-crypto.js';
import type { SessionRecord, SessionStore } from './session-store.js';

/** A browser's live session: the stored record plus the cookie key that opens its password. */
export interface SignedIn {
  readonly record: SessionRecord;
  readonly key: string;
}

/** Method params without `session`: the web tier fills it in from the signed-in record. */
export type SessionParams<M extends MethodName> = Omit<Params<M>, 'session'>;
export type SessionStreamParams<S extends StreamName> = Omit<StreamParams<S>, 'session'>;

export class SessionMail {
  readonly #client: WebcacheClient;
  readonly #sessions: SessionStore;
  readonly #logger: Logger;
  /** One re-login per webcache session at a time, however many requests noticed the loss. */
  readonly #recovering = new Map<string, Promise<void>>();

  constructor(client: WebcacheClient, sessions: SessionStore, logger: Logger) {
    this.#client = client;
    this.#sessions = sessions;
    this.#logger = logger;
  }

  get client(): WebcacheClient {
    return this.#client;
  }

  call<M extends MethodName>(
    who: SignedIn,
    method: M,
    params: SessionParams<M>,
  ): Promise<Result<M>> {
    const full = { ...params, session: who.record.cacheSession } as unknown as Params<M>;
    return this.#withRecovery(who, () => this.#client.call(method, full));
  }

  openStream<S extends StreamName>(
    who: SignedIn,
    name: S,
    params: SessionStreamParams<S>,
  ): Promise<{ meta: StreamMeta; body: Readable }> {
    const full = { ...params, session: who.record.cacheSession } as unknown as StreamParams<S>;
    return this.#withRecovery(who, () => this.#client.openStream(name, full));
  }

  /** Spools an attachment's bytes in the webcache; the id goes into a draft's attachments. */
  upload(who: SignedIn, meta: Omit<UploadMeta, 'session'>, body: Buffer): Promise<UploadResult> {
    const full: UploadMeta = { ...meta, session: who.record.cacheSession };
    return this.#withRecovery(who, () => this.#client.upload(full, body));
  }

  /** The session's event stream (server-sent events from the webcache), ended when it ends. */
  openEvents(who: SignedIn): Promise<Readable> {
    return this.#withRecovery(who, () => this.#client.openEvents(who.record.cacheSession));
  }

  async #withRecovery<T>(who: SignedIn, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (!isAlphaMailError(err, 'AM_SESSION_UNKNOWN')) throw err;
    }
    await this.#relogin(who);
    return await work();
  }

  #relogin(who: SignedIn): Promise<void> {
    const cacheSession = who.record.cacheSession;
    const running = this.#recovering.get(cacheSession);
    if (running) return running;
    const attempt = this.#loginAgain(who).finally(() => this.#recovering.delete(cacheSession));
    this.#recovering.set(cacheSession, attempt);
    return attempt;
  }

  async #loginAgain(who: SignedIn): Promise<void> {
    const { record } = who;
    this.#logger.info(
      { user: record.user, domain: record.domain },
      'webcache lost the session; signing in again',
    );
    try {
      await this.#client.call('login', {
        session: record.cacheSession,
        user: record.user,
        domain: record.domain,
        password: openPassword(record.sealedPassword, who.key, record.id),
      });
    } catch (err) {
      if (isAlphaMailError(err, 'AM_AUTH_FAILED') || isAlphaMailError(err, 'AM_SESSION_UNKNOWN')) {
        // The password changed (or the cookie key is wrong): this web session cannot go on.
        this.#sessions.delete(record.id);
        throw new AlphaMailError('AM_SESSION_UNKNOWN', 'stored password no longer accepted');
      }
      throw err;
    }
  }
}
