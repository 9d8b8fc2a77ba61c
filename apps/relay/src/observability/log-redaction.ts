/**
 * Paths pino blanks in every log line (issue 7: no secret or token in logs), whatever logs them:
 * authorization headers, cookies, tokens and passwords — at the top level or one level down.
 *
 * @example
 * const logger = pino({ level, name: 'relay', redact: LOG_REDACT_PATHS })
 */
export const LOG_REDACT_PATHS: string[] = ['authorization', 'cookie', 'token', 'password', 'secret'].flatMap((k) => [
  k,
  `*.${k}`,
  `headers.${k}`,
  `*.headers.${k}`,
  `handshake.auth.${k}`,
]);
