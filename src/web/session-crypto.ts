// Owns the secrets of a web session: random tokens, the hashed session id, and the IMAP
// password sealed with AES-256-GCM under a key that lives only in the browser's cookie.
// Must not store or log the cookie key or the clear password: the database sees ciphertext only.
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import { AlphaMailError } from '../base/index.js';

/** Random bytes in a session token, cookie key and CSRF token: 256 bits, beyond guessing. */
const tokenBytes = 32;
/** AES-256-GCM: 32-byte key, 12-byte nonce (NIST SP 800-38D's recommended size), 16-byte tag. */
const keyBytes = 32;
const nonceBytes = 12;
const tagBytes = 16;
/** Ciphertext layout version, so the format can change without misreading old rows. */
const sealVersion = 1;

/** A URL- and cookie-safe random token (base64url, no padding). */
export function randomToken(): string {
  return randomBytes(tokenBytes).toString('base64url');
}

/** The cookie key that seals a session's password. */
export function randomSealKey(): string {
  return randomBytes(keyBytes).toString('base64url');
}

/** What the database keys a session by: the token's SHA-256, so a stolen DB holds no cookies. */
export function sessionIdOf(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

function keyBuffer(key: string): Buffer {
  const buffer = Buffer.from(key, 'base64url');
  if (buffer.length !== keyBytes) throw new AlphaMailError('AM_AUTH_REQUIRED', 'bad cookie key');
  return buffer;
}

/**
 * Seals `password` under `key`. `sessionId` is authenticated data: a sealed password copied
 * into another session's row does not open there.
 */
export function sealPassword(password: string, key: string, sessionId: string): Buffer {
  const nonce = randomBytes(nonceBytes);
  const cipher = createCipheriv('aes-256-gcm', keyBuffer(key), nonce, { authTagLength: tagBytes });
  cipher.setAAD(Buffer.from(sessionId, 'utf8'));
  const body = Buffer.concat([cipher.update(password, 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.from([sealVersion]), nonce, cipher.getAuthTag(), body]);
}

/** Opens what sealPassword made; a wrong key, session or tampered bytes → AM_SESSION_UNKNOWN. */
export function openPassword(sealed: Buffer, key: string, sessionId: string): string {
  const header = 1 + nonceBytes + tagBytes;
  if (sealed.length < header || sealed[0] !== sealVersion) {
    throw new AlphaMailError('AM_SESSION_UNKNOWN', 'sealed password has an unknown format');
  }
  const nonce = sealed.subarray(1, 1 + nonceBytes);
  const tag = sealed.subarray(1 + nonceBytes, header);
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyBuffer(key), nonce, {
      authTagLength: tagBytes,
    });
    decipher.setAAD(Buffer.from(sessionId, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(sealed.subarray(header)), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    throw new AlphaMailError('AM_SESSION_UNKNOWN', 'sealed password does not open with this key');
  }
}

/** Constant-time string comparison for tokens. */
export function tokensEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
