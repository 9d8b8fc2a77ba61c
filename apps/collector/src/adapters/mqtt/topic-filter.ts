/**
 * MQTT topic filter matching (MQTT 3.1.1 §4.7): `+` matches exactly one level, `#` (last
 * level only) matches the parent and every level below it. Topics starting with `$` are
 * not matched by filters starting with a wildcard.
 *
 * @example
 * topicMatches('zcp/demo/+', 'zcp/demo/pv1') // true
 * topicMatches('spBv1.0/zcp/#', 'spBv1.0/zcp/DDATA/huaxin/pv1') // true
 */
export function topicMatches(filter: string, topic: string): boolean {
  if (topic.startsWith('$') && (filter.startsWith('+') || filter.startsWith('#'))) return false;
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    const level = f[i];
    if (level === '#') return i === f.length - 1;
    if (i >= t.length) return false;
    if (level !== '+' && level !== t[i]) return false;
  }
  return f.length === t.length;
}

/** True when a filter is well formed: `#` only as the whole last level, `+` only as a whole level. */
export function isValidTopicFilter(filter: string): boolean {
  if (filter.length === 0) return false;
  const levels = filter.split('/');
  return levels.every((l, i) => (l.includes('#') ? l === '#' && i === levels.length - 1 : !l.includes('+') || l === '+'));
}

/** True when the filter has no wildcard (it names exactly one topic). */
export function isExactTopic(filter: string): boolean {
  return !filter.includes('+') && !filter.includes('#');
}
