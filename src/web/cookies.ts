// Owns reading the Cookie header and writing Set-Cookie lines for the web tier's two cookies.
// Must not decide what a cookie means: sessions and CSRF do that.

/** The signed-in session: `<token>.<key>`. */
export const sessionCookieName = 'am_session';
/** The sign-in form's double-submit CSRF token, set before any session exists. */
export const loginCsrfCookieName = 'am_login_csrf';

/** Cookie headers longer than this are not parsed: ours are under 200 bytes. */
const maxCookieHeaderChars = 8192;

export function readCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (header === undefined || header.length > maxCookieHeaderChars) return cookies;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    // The first occurrence wins, as browsers send the most specific path first.
    if (name !== '' && !cookies.has(name)) cookies.set(name, value);
  }
  return cookies;
}

export interface CookieOptions {
  readonly isSecure: boolean;
  /** Seconds; 0 deletes the cookie; undefined makes it a browser-session cookie. */
  readonly maxAgeSeconds?: number;
}

/** A Set-Cookie line: HttpOnly, SameSite=Lax, Path=/, Secure when served over https. */
export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  const parts = [`${name}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Lax'];
  if (options.maxAgeSeconds !== undefined) {
    parts.push(`Max-Age=${options.maxAgeSeconds}`);
    if (options.maxAgeSeconds === 0) parts.push('Expires=Thu, 01 Jan 1970 00:00:00 GMT');
  }
  if (options.isSecure) parts.push('Secure');
  return parts.join('; ');
}

/** Splits `<token>.<key>`; null when the value does not have that shape. */
export function parseSessionCookie(
  value: string | undefined,
): { token: string; key: string } | null {
  if (value === undefined) return null;
  const match = /^([A-Za-z0-9_-]{16,128})\.([A-Za-z0-9_-]{16,128})$/.exec(value);
  if (!match?.[1] || !match[2]) return null;
  return { token: match[1], key: match[2] };
}
