/**
 * True when some subject matches both patterns (`*` one token, `>` one or more trailing
 * tokens). JetStream refuses a stream whose subjects overlap another stream's, because a
 * message would have two homes; the memory bus keeps the same rule.
 *
 * @example
 * patternsOverlap('park.a.telemetry.>', 'park.*.telemetry.pv1') // true
 * patternsOverlap('park.a.>', 'park.a') // false: '>' needs at least one more token
 */
export function patternsOverlap(a: string, b: string): boolean {
  const x = a.split('.');
  const y = b.split('.');
  for (let i = 0; ; i++) {
    const p = x[i];
    const q = y[i];
    if (p === undefined && q === undefined) return true;
    if (p === '>') return q !== undefined;
    if (q === '>') return p !== undefined;
    if (p === undefined || q === undefined) return false;
    if (p !== '*' && q !== '*' && p !== q) return false;
  }
}
