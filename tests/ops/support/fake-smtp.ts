/**
 * A tiny SMTP server (node:net) for tests: speaks enough of RFC 5321 for nodemailer (EHLO/HELO,
 * MAIL, RCPT, DATA, RSET, NOOP, QUIT; no STARTTLS, no AUTH) and records each message. It can be
 * told to answer the next N messages with a temporary (451) or permanent (550) failure.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface ReceivedMail {
  from: string;
  to: string[];
  data: string;
  subject: string;
}

export interface FakeSmtp {
  url: string;
  messages: ReceivedMail[];
  failNext(n: number, code?: 451 | 550): void;
  close(): Promise<void>;
}

function decodeSubject(data: string): string {
  const m = /^Subject: (.*(?:\r\n[ \t].*)*)/im.exec(data);
  if (!m) return '';
  const raw = m[1]!.replace(/\r\n[ \t]/g, ' ');
  // RFC 2047 encoded words (nodemailer uses them for non-ASCII or long subjects).
  return raw.replace(/=\?utf-8\?([BQ])\?([^?]*)\?=\s*/gi, (_all, enc: string, text: string) =>
    enc.toUpperCase() === 'B'
      ? Buffer.from(text, 'base64').toString('utf8')
      : text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))),
  );
}

export async function startFakeSmtp(): Promise<FakeSmtp> {
  const messages: ReceivedMail[] = [];
  let failures: Array<451 | 550> = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buffer = '';
    let inData = false;
    let current: { from: string; to: string[] } = { from: '', to: [] };
    const reply = (line: string) => socket.write(`${line}\r\n`);
    reply('220 fake-smtp ready');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          const data = buffer.slice(0, end).replace(/^\.\./gm, '.');
          buffer = buffer.slice(end + 5);
          inData = false;
          const fail = failures.shift();
          if (fail) reply(fail === 451 ? '451 4.3.0 try again later' : '550 5.1.1 mailbox unavailable');
          else {
            messages.push({ ...current, data, subject: decodeSubject(data) });
            reply('250 2.0.0 queued');
          }
          current = { from: '', to: [] };
          continue;
        }
        const nl = buffer.indexOf('\r\n');
        if (nl < 0) return;
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 2);
        const cmd = line.slice(0, 4).toUpperCase();
        if (cmd === 'EHLO') socket.write('250-fake-smtp\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n');
        else if (cmd === 'HELO') reply('250 fake-smtp');
        else if (cmd === 'MAIL') {
          current = { from: /<([^>]*)>/.exec(line)?.[1] ?? '', to: [] };
          reply('250 2.1.0 ok');
        } else if (cmd === 'RCPT') {
          current.to.push(/<([^>]*)>/.exec(line)?.[1] ?? '');
          reply('250 2.1.5 ok');
        } else if (cmd === 'DATA') {
          inData = true;
          reply('354 end data with <CR><LF>.<CR><LF>');
        } else if (cmd === 'RSET') {
          current = { from: '', to: [] };
          reply('250 ok');
        } else if (cmd === 'NOOP') reply('250 ok');
        else if (cmd === 'QUIT') {
          reply('221 bye');
          socket.end();
        } else reply('502 5.5.2 command not implemented');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    failNext(n, code = 451) {
      failures = [...failures, ...Array.from({ length: n }, () => code)];
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
