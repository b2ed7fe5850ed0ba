// When a session's timer re-reads the folder list: only after the user asked for something since
// the last read, and not once the session has been left alone for two intervals.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  folderListRefreshMs,
  isFolderListRefreshDue,
} from '../../src/webcache/session/user-session.js';

test('an idle session is not refreshed; a used one is, until it has been idle two intervals', () => {
  const listedAt = 1_000_000;
  // Signed in (the list was read at login) and nothing since: no LIST however long it waits.
  assert.equal(
    isFolderListRefreshDue(listedAt + folderListRefreshMs, listedAt - 5, listedAt),
    false,
  );
  assert.equal(isFolderListRefreshDue(listedAt + folderListRefreshMs, listedAt, listedAt), false);
  // A page was asked for after the last read: refreshed at the next tick.
  const used = listedAt + 10_000;
  assert.equal(isFolderListRefreshDue(listedAt + folderListRefreshMs, used, listedAt), true);
  assert.equal(isFolderListRefreshDue(used + 2 * folderListRefreshMs, used, listedAt), true);
  // Used, but long ago: left alone.
  assert.equal(isFolderListRefreshDue(used + 2 * folderListRefreshMs + 1, used, listedAt), false);
});
