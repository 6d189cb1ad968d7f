// The server's couriers during the browser tests: an HTTP receiver for text messages
// (ENT_SMS__KIND=http, body {"to": …, "text": …}) and an SMTP server for e-mail, both on
// loopback ports chosen by scripts/test (SMS_RECEIVER_PORT, SMTP_RECEIVER_PORT).
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

function port(name) {
  const value = Number(process.env[name]);
  assert.ok(Number.isInteger(value) && value > 0, `${name} is not set: scripts/test chooses it and passes it to the server`);
  return value;
}

/** Messages arrive in a list; `wait` resolves with the first one that matches (or times out). */
function mailbox(kind) {
  const items = [];
  const waiters = new Set();
  return {
    items,
    push(item) {
      items.push(item);
      for (const waiter of waiters) waiter();
    },
    wait(match, ms = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = items.find(match);
          if (!found) return false;
          cleanup();
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no ${kind} arrived within ${ms} ms (received: ${JSON.stringify(items.map((i) => i.to))})`));
        }, ms);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        if (!check()) waiters.add(check);
      });
    },
  };
}

export async function startInbox() {
  const sms = mailbox('text message');
  const mail = mailbox('e-mail');

  const http = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      try {
        const message = JSON.parse(body);
        sms.push({ to: message.to, text: message.text, at: Date.now() });
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"status":"queued"}');
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  await new Promise((resolve, reject) => http.once('error', reject).listen(port('SMS_RECEIVER_PORT'), '127.0.0.1', resolve));

  const smtp = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          mail.push({
            to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            at: Date.now(),
          });
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise((resolve, reject) => {
    smtp.once('error', reject);
    smtp.listen(port('SMTP_RECEIVER_PORT'), '127.0.0.1', resolve);
  });

  return {
    /** The next text message to this E.164 number received after `since`. */
    sms: (to, since = 0) => sms.wait((m) => m.to === to && m.at >= since),
    /** The next e-mail to this address received after `since`. */
    mail: (to, since = 0) => mail.wait((m) => m.to.includes(to.toLowerCase()) && m.at >= since),
    async close() {
      await new Promise((resolve) => http.close(resolve));
      await new Promise((resolve) => smtp.close(resolve));
    },
  };
}
