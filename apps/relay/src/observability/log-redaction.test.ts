import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { LOG_REDACT_PATHS } from './log-redaction.js';

describe('log redaction', () => {
  it('never writes a token, cookie or authorization header', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const log = pino({ redact: LOG_REDACT_PATHS }, sink);
    const secret = 'eyJhbGciOiJFUzI1NiJ9.secret.sig';
    log.info(
      {
        authorization: `Bearer ${secret}`,
        req: { headers: { authorization: secret, cookie: `zcp_token=${secret}` } },
        token: secret,
        handshake: { auth: { token: secret } },
      },
      'x',
    );
    expect(lines.join('')).not.toContain(secret);
    expect(lines.join('')).toContain('[Redacted]');
  });
});
