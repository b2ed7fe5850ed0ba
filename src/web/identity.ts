// Owns the identity a user writes as on a domain (display name, From address, signature): the
// default, reading the settings form strictly. Must not store anything: session-store does.
import { isAlphaMailError } from '../base/index.js';
import { parseOneAddress } from '../mime/index.js';
import type { Address } from '../protocol/index.js';
import type { WebDeps } from './context.js';
import type { SignedIn } from './session-mail.js';
import type { Identity } from './session-store.js';

/** A display name longer than this is not a name; it would also fold badly in a header. */
export const maxDisplayNameChars = 200;
/** A signature is a few lines; this keeps a pasted document out of every message. */
export const maxSignatureChars = 4000;

/** The address a user has before saving one: the sign-in name, at the domain unless it has one. */
export function defaultAddress(user: string, domain: string): string {
  return user.includes('@') ? user : `${user}@${domain}`;
}

export function identityOf(deps: WebDeps, who: SignedIn): Identity {
  const { user, domain } = who.record;
  return (
    deps.sessions.identity(user, domain) ?? {
      displayName: '',
      address: defaultAddress(user, domain),
      signature: '',
    }
  );
}

export function fromOf(identity: Identity): Address {
  return { name: identity.displayName, address: identity.address };
}

export type IdentityField = 'displayName' | 'address' | 'signature';

export type IdentityForm =
  | { readonly ok: true; readonly identity: Identity }
  | {
      readonly ok: false;
      /** What was typed, to show again. */
      readonly typed: Identity;
      readonly field: IdentityField;
      readonly message: string;
    };

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** Reads the identity form; each problem names its field so the page can point at it. */
export function readIdentityForm(body: Record<string, unknown>): IdentityForm {
  const typed: Identity = {
    displayName: text(body.displayName).slice(0, maxDisplayNameChars * 2),
    address: text(body.address).slice(0, 1000),
    signature: text(body.signature)
      .replace(/\r\n?/g, '\n')
      .slice(0, maxSignatureChars * 2),
  };
  // eslint-disable-next-line no-control-regex -- a name is one line: no control characters
  const displayName = typed.displayName.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  if (displayName.length > maxDisplayNameChars) {
    return {
      ok: false,
      typed,
      field: 'displayName',
      message: `The display name is longer than ${maxDisplayNameChars} characters.`,
    };
  }
  if (typed.signature.length > maxSignatureChars) {
    return {
      ok: false,
      typed,
      field: 'signature',
      message: `The signature is longer than ${maxSignatureChars} characters.`,
    };
  }
  let address: string;
  try {
    address = parseOneAddress(typed.address).address;
  } catch (err) {
    if (!isAlphaMailError(err, 'AM_BAD_ADDRESS')) throw err;
    const shown = typed.address.trim() === '' ? 'The From address is empty' : null;
    return {
      ok: false,
      typed,
      field: 'address',
      message: shown ?? `“${typed.address.trim()}” is not a valid email address.`,
    };
  }
  return {
    ok: true,
    identity: { displayName, address, signature: typed.signature.replace(/\s+$/, '') },
  };
}
