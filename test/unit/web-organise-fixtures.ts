// Owns the scripted webcache's answers to the organising methods, for the web tier's unit tests:
// it records each call's params and answers like the webcache would. Must not pretend to be IMAP.
import { AlphaMailError } from '../../src/base/index.js';
import type { MethodHandlers, MethodName } from '../../src/protocol/index.js';

type OrganiseName =
  | 'setFlags'
  | 'copyMessages'
  | 'moveMessages'
  | 'deleteMessages'
  | 'markJunk'
  | 'emptyFolder'
  | 'undo'
  | 'createFolder'
  | 'renameFolder'
  | 'deleteFolder'
  | 'setSubscribed';

/** Every organising call the scripted webcache received, in order (tests clear it). */
export const organiseCalls: { method: MethodName; params: Record<string, unknown> }[] = [];

/**
 * INBOX deletes go to a Trash the fixture pretends to have; anywhere else deleting is for good
 * and needs `permanent`. Names with "/" are refused as the real webcache refuses them.
 */
export function organiseHandlers(
  calls: string[],
  known: (session: string) => void,
): Pick<MethodHandlers, OrganiseName> {
  const record = (method: OrganiseName, params: { session: string }): void => {
    calls.push(method);
    known(params.session);
    const rest: Record<string, unknown> = { ...params };
    delete rest.session;
    organiseCalls.push({ method, params: rest });
  };
  return {
    setFlags: (p) => {
      record('setFlags', p);
      return Promise.resolve({ updated: p.uids.length });
    },
    copyMessages: (p) => {
      record('copyMessages', p);
      return Promise.resolve({ copied: p.uids.length });
    },
    moveMessages: (p) => {
      record('moveMessages', p);
      return Promise.resolve({
        moved: p.uids.length,
        undo: { folder: p.destination, count: p.uids.length },
      });
    },
    deleteMessages: (p) => {
      record('deleteMessages', p);
      if (p.folder !== 'INBOX' && !p.permanent) {
        return Promise.reject(new AlphaMailError('AM_CONFIRM_REQUIRED', 'for good'));
      }
      const isPermanent = p.permanent || p.folder !== 'INBOX';
      return Promise.resolve({
        deleted: p.uids.length,
        isPermanent,
        undo: isPermanent ? null : { folder: 'Trash', count: p.uids.length },
      });
    },
    markJunk: (p) => {
      record('markJunk', p);
      return Promise.resolve({ moved: p.uids.length, undo: { folder: 'Junk', count: 1 } });
    },
    emptyFolder: (p) => {
      record('emptyFolder', p);
      return Promise.resolve({ deleted: 4 });
    },
    undo: (p) => {
      record('undo', p);
      return Promise.resolve({ restored: 2, folder: 'INBOX' });
    },
    createFolder: (p) => {
      record('createFolder', p);
      if (p.name.includes('/')) {
        return Promise.reject(new AlphaMailError('AM_FOLDER_NAME_INVALID', 'separator'));
      }
      return Promise.resolve({ path: p.parent === null ? p.name : `${p.parent}/${p.name}` });
    },
    renameFolder: (p) => {
      record('renameFolder', p);
      if (p.folder === 'INBOX') return Promise.reject(new AlphaMailError('AM_FOLDER_PROTECTED'));
      const at = p.folder.lastIndexOf('/');
      return Promise.resolve({ path: at < 0 ? p.name : `${p.folder.slice(0, at)}/${p.name}` });
    },
    deleteFolder: (p) => {
      record('deleteFolder', p);
      return Promise.resolve({ deleted: true });
    },
    setSubscribed: (p) => {
      record('setSubscribed', p);
      return Promise.resolve({ subscribed: p.subscribed });
    },
  };
}
