// The daemons' environment adds the malloc settings and keeps whatever the operator set.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { daemonEnv, daemonMallocEnv } from '../../src/cli/daemon-env.js';

test('daemonEnv adds the malloc settings; explicit values win', () => {
  const env = daemonEnv({ PATH: '/usr/bin', MALLOC_ARENA_MAX: '4' });
  assert.equal(env.PATH, '/usr/bin');
  assert.equal(env.MALLOC_ARENA_MAX, '4');
  assert.equal(env.MALLOC_MMAP_THRESHOLD_, daemonMallocEnv.MALLOC_MMAP_THRESHOLD_);
  assert.equal(env.MALLOC_TRIM_THRESHOLD_, '131072');
  assert.deepEqual(Object.keys(daemonMallocEnv).sort(), [
    'MALLOC_ARENA_MAX',
    'MALLOC_MMAP_THRESHOLD_',
    'MALLOC_TRIM_THRESHOLD_',
  ]);
});
