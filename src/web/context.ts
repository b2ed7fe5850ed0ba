// Owns the dependencies every route and plugin of the web tier shares, built once per app.
// Must not hold request state: that hangs on the request (see plugins/session.ts).
import type { Logger } from '../base/index.js';
import type { AlphaMailConfig } from '../config/index.js';
import type { WebcacheClient } from '../protocol/index.js';
import type { LoginRateLimiter } from './rate-limit.js';
import type { SessionMail } from './session-mail.js';
import type { SessionStore } from './session-store.js';
import type { AssetUrls } from './views/layout.js';

export interface WebDeps {
  readonly config: AlphaMailConfig;
  readonly logger: Logger;
  readonly client: WebcacheClient;
  readonly sessions: SessionStore;
  readonly mail: SessionMail;
  readonly limiter: LoginRateLimiter;
  /** publicUrl is https: Secure cookies and HSTS. */
  readonly isSecure: boolean;
  readonly assets: AssetUrls;
}
