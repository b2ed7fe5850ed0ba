// Self-test of the loopback MTA harness: SMTP AUTH against Dovecot's passwords, delivery by LMTP
// into the recipient's INBOX, a bad password refused, stop and start again.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { startTestDovecot } from '../harness/dovecot.js';
import { startTestMta } from '../harness/mta.js';

const domain = 'demo.test';
const user1 = { name: 'user1', password: 'pw-one' };
const user2 = { name: 'user2', password: 'pw-two' };
/** Delivery through Postfix's queue into Dovecot takes well under this. */
const deliveryBudgetMs = 20_000;

function transport(port: number, pass: string) {
  return nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    ignoreTLS: true,
    auth: { user: user1.name, pass },
  });
}

void test(
  'the test MTA submits with Dovecot passwords and delivers into Dovecot',
  { timeout: 120_000 },
  async (t) => {
    const dovecot = await startTestDovecot({ users: [user1, user2], messages: [] });
    t.after(() => dovecot.stop());
    const mta = await startTestMta({ dovecot, domain });
    t.after(() => mta.remove());

    const subject = `harness ${Date.now()}`;
    const info = await transport(mta.port, user1.password).sendMail({
      from: `user1@${domain}`,
      to: `user2@${domain}`,
      subject,
      text: 'hello through postfix',
    });
    assert.deepEqual(info.accepted, [`user2@${domain}`]);

    const imap = new ImapFlow(dovecot.imapOptions(user2));
    await imap.connect();
    t.after(() => imap.logout());
    let found: string | null = null;
    const deadline = Date.now() + deliveryBudgetMs;
    while (found === null && Date.now() < deadline) {
      const lock = await imap.getMailboxLock('INBOX');
      try {
        for await (const m of imap.fetch('1:*', { envelope: true }, { uid: true })) {
          if (m.envelope?.subject === subject) found = m.envelope.subject;
        }
      } catch {
        // An empty INBOX answers "1:*" with an error: nothing delivered yet.
      } finally {
        lock.release();
      }
      if (found === null) await sleep(200);
    }
    assert.equal(found, subject, `not delivered; postfix log:\n${mta.logText().slice(-3000)}`);

    await assert.rejects(
      transport(mta.port, 'wrong-password').sendMail({
        from: `user1@${domain}`,
        to: `user2@${domain}`,
        subject: 'x',
        text: 'x',
      }),
      (err: { code?: string; responseCode?: number }) =>
        err.code === 'EAUTH' && err.responseCode === 535,
    );

    await assert.rejects(
      transport(mta.port, user1.password).sendMail({
        from: `user1@${domain}`,
        to: `nobody@${domain}`,
        subject: 'x',
        text: 'x',
      }),
      (err: { code?: string; responseCode?: number }) =>
        err.code === 'EENVELOPE' && err.responseCode === 550,
    );

    await mta.stop();
    await assert.rejects(
      transport(mta.port, user1.password).sendMail({
        from: `user1@${domain}`,
        to: `user2@${domain}`,
        text: 'x',
      }),
      (err: { code?: string }) => err.code === 'ESOCKET' || err.code === 'ECONNECTION',
    );
    await mta.start();
    const again = await transport(mta.port, user1.password).sendMail({
      from: `user1@${domain}`,
      to: `user2@${domain}`,
      text: 'after restart',
    });
    assert.deepEqual(again.accepted, [`user2@${domain}`]);
  },
);
