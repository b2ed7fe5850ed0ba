// Proves health and metrics with the real processes on a real Dovecot behind the counting IMAP
// proxy: /healthz and /readyz (503 while the webcache is down), Prometheus text on both private
// listeners and never on the public one, and counters that move by exactly what a page view
// did — IMAP commands checked against the proxy's count of the wire.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateMailbox } from '../../src/ops/index.js';
import { freePort, startAlphaMail } from '../harness/alphamail.js';
import { startTestDovecot, testUser } from '../harness/dovecot.js';
import { FormClient } from '../harness/http-client.js';
import { startImapProxy, waitForQuietWire } from '../harness/imap-proxy.js';

const domain = 'demo.test';
const messageCount = 30;

/** Series name with sorted labels → value; throws on any line that is not exposition format. */
function parsePrometheus(text: string): Map<string, number> {
  const typed = new Set<string>();
  const samples = new Map<string, number>();
  assert.ok(text.endsWith('\n'), 'ends with a newline');
  for (const line of text.slice(0, -1).split('\n')) {
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram)$/.exec(line);
    if (type?.[1] !== undefined) {
      typed.add(type[1]);
      continue;
    }
    if (/^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .+$/.test(line)) continue;
    const sample =
      /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*)\})? (-?[0-9.e+-]+|\+Inf|NaN)$/.exec(
        line,
      );
    assert.ok(sample, `not a Prometheus sample line: ${JSON.stringify(line)}`);
    const [, name = '', labelText = '', value = ''] = sample;
    const family = name.replace(/_(bucket|sum|count)$/, '');
    assert.ok(typed.has(name) || typed.has(family), `${name} has a # TYPE line before it`);
    const labels = [...labelText.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)]
      .map(([, k, v]) => `${k}=${v}`)
      .sort()
      .join(',');
    samples.set(`${name}{${labels}}`, Number(value));
  }
  return samples;
}

async function scrape(url: string): Promise<Map<string, number>> {
  const res = await fetch(url);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
  return parsePrometheus(await res.text());
}

function delta(after: Map<string, number>, before: Map<string, number>, series: string): number {
  return (after.get(series) ?? 0) - (before.get(series) ?? 0);
}

/** Per-kind IMAP command counts of the webcache metrics. */
function imapKinds(samples: Map<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [series, value] of samples) {
    const m = /^alphamail_webcache_imap_commands_total\{command=(.+)\}$/.exec(series);
    if (m?.[1] !== undefined) out.set(m[1], value);
  }
  return out;
}

void test(
  'health, readiness and metrics of the real processes',
  { timeout: 180_000 },
  async (t) => {
    const dovecot = await startTestDovecot({
      messages: generateMailbox({
        seed: 5,
        count: messageCount,
        user: `${testUser.name}@${domain}`,
      }),
    });
    t.after(() => dovecot.stop());
    const proxy = await startImapProxy({ host: dovecot.dovecot.host, port: dovecot.dovecot.port });
    t.after(() => proxy.close());
    const webMetricsPort = await freePort();
    const cacheMetricsPort = await freePort();
    const app = await startAlphaMail({
      imapServers: `${domain}=127.0.0.1:${proxy.port}[/] insecure`,
      extraConfig: {
        metrics_listen: `127.0.0.1:${webMetricsPort}`,
        webcache_metrics_listen: `127.0.0.1:${cacheMetricsPort}`,
      },
    });
    t.after(() => app.stop());
    const webMetrics = `http://127.0.0.1:${webMetricsPort}/metrics`;
    const cacheMetrics = `http://127.0.0.1:${cacheMetricsPort}/metrics`;

    await t.test(
      'healthz and readyz answer 200 on the public and the private listener',
      async () => {
        for (const base of [app.url, `http://127.0.0.1:${webMetricsPort}`]) {
          const health = await fetch(`${base}/healthz`);
          assert.equal(health.status, 200);
          assert.equal(await health.text(), 'ok\n');
          assert.equal((await fetch(`${base}/readyz`)).status, 200);
        }
      },
    );

    await t.test('/metrics is not served on the public listener', async () => {
      const res = await fetch(`${app.url}/metrics`);
      assert.equal(res.status, 404);
      assert.ok(!(await res.text()).includes('alphamail_'));
    });

    const client = new FormClient(app.url);
    const signedIn = await client.signIn(testUser.name, testUser.password, domain);
    assert.equal(signedIn.status, 200);
    assert.match(signedIn.url, /\/f\/INBOX/);
    await waitForQuietWire(proxy);

    await t.test(
      'a warm index page: one page timing, one listMessages, one index hit, no IMAP',
      async () => {
        const web0 = await scrape(webMetrics);
        const cache0 = await scrape(cacheMetrics);
        const wire0 = proxy.counts().total;
        assert.equal(cache0.get('alphamail_webcache_sessions{}'), 1);
        const page = await client.get('/f/INBOX');
        assert.equal(page.status, 200);
        const web1 = await scrape(webMetrics);
        const cache1 = await scrape(cacheMetrics);
        const route = 'method=GET,route=/f/:folder,status=2xx';
        assert.equal(delta(web1, web0, `alphamail_web_page_duration_seconds_count{${route}}`), 1);
        assert.equal(
          delta(web1, web0, `alphamail_web_page_duration_seconds_bucket{le=+Inf,${route}}`),
          1,
        );
        assert.equal(
          delta(
            cache1,
            cache0,
            'alphamail_webcache_rpc_duration_seconds_count{method=listMessages}',
          ),
          1,
        );
        assert.equal(
          delta(cache1, cache0, 'alphamail_webcache_cache_lookups_total{cache=index,result=hit}'),
          1,
        );
        assert.equal(
          delta(cache1, cache0, 'alphamail_webcache_cache_lookups_total{cache=index,result=miss}'),
          0,
        );
        assert.equal(proxy.counts().total - wire0, 0, 'the proxy saw no IMAP command');
        const sent = [...imapKinds(cache1)].filter(
          ([k, v]) => v !== (imapKinds(cache0).get(k) ?? 0),
        );
        assert.deepEqual(sent, [], 'the metrics saw no IMAP command either');
      },
    );

    await t.test(
      'opening a message: a reader miss, then a hit; IMAP commands match the wire',
      async () => {
        const index = await client.get('/f/INBOX');
        const uid = Number(/href="\/f\/INBOX\/(\d+)/.exec(index.body)?.[1]);
        assert.ok(uid > 0, 'the index links a message');
        await waitForQuietWire(proxy);
        const cache0 = await scrape(cacheMetrics);
        const wire0 = proxy.counts().commands;
        assert.equal((await client.get(`/f/INBOX/${uid}`)).status, 200);
        await waitForQuietWire(proxy);
        const cache1 = await scrape(cacheMetrics);
        const wire1 = proxy.counts().commands;
        const reader = (result: string): string =>
          `alphamail_webcache_cache_lookups_total{cache=reader,result=${result}}`;
        assert.equal(delta(cache1, cache0, reader('miss')), 1);
        assert.equal(delta(cache1, cache0, reader('hit')), 0);
        // What the metrics counted per kind is what crossed the wire (IDLE's DONE is no command).
        const counted = new Map<string, number>();
        for (const [kind, value] of imapKinds(cache1)) {
          const moved = value - (imapKinds(cache0).get(kind) ?? 0);
          if (moved !== 0) counted.set(kind, moved);
        }
        const onWire = new Map<string, number>();
        for (const [kind, value] of Object.entries(wire1)) {
          const moved = value - (wire0[kind] ?? 0);
          // The proxy also counts a UID command under its base name.
          const isBaseOfUid = !kind.startsWith('UID ') && wire1[`UID ${kind}`] !== undefined;
          if (
            moved !== 0 &&
            kind !== 'DONE' &&
            !(isBaseOfUid && moved === (wire1[`UID ${kind}`] ?? 0) - (wire0[`UID ${kind}`] ?? 0))
          )
            onWire.set(kind, moved);
        }
        assert.ok(counted.size > 0, 'a cold open sends IMAP commands');
        assert.deepEqual(Object.fromEntries(counted), Object.fromEntries(onWire));
        // The same message again comes from the reader cache.
        assert.equal((await client.get(`/f/INBOX/${uid}`)).status, 200);
        const cache2 = await scrape(cacheMetrics);
        assert.equal(delta(cache2, cache1, reader('hit')), 1);
        assert.equal(delta(cache2, cache1, reader('miss')), 0);
        assert.equal(
          delta(cache2, cache0, 'alphamail_webcache_rpc_duration_seconds_count{method=getMessage}'),
          2,
        );
      },
    );

    await t.test(
      'readyz is 503 while the webcache is down and 200 again after it starts',
      async () => {
        await app.killWebcache();
        const down = await fetch(`${app.url}/readyz`);
        assert.equal(down.status, 503);
        assert.equal((await fetch(`${app.url}/healthz`)).status, 200, 'the web tier itself is up');
        await app.startWebcache();
        assert.equal((await fetch(`${app.url}/readyz`)).status, 200);
      },
    );
  },
);
