import { describe, expect, it } from 'vitest';
import { isExactTopic, isValidTopicFilter, topicMatches } from './topic-filter.js';

describe('MQTT topic filters', () => {
  it.each([
    ['zcp/demo/+', 'zcp/demo/pv1', true],
    ['zcp/demo/+', 'zcp/demo/pv1/x', false],
    ['zcp/demo/+', 'zcp/demo', false],
    ['zcp/#', 'zcp', true],
    ['zcp/#', 'zcp/a/b/c', true],
    ['zcp/+/b', 'zcp/a/b', true],
    ['zcp/+/b', 'zcp/a/c', false],
    ['#', '$SYS/broker', false],
    ['+/x', '$SYS/x', false],
    ['a/b', 'a/b', true],
    ['a/b', 'a/bc', false],
    ['a/+', 'a/', true],
  ])('%s vs %s → %s', (filter, topic, expected) => {
    expect(topicMatches(filter, topic)).toBe(expected);
  });

  it('validates filters', () => {
    expect(isValidTopicFilter('a/#')).toBe(true);
    expect(isValidTopicFilter('a/#/b')).toBe(false);
    expect(isValidTopicFilter('a/b#')).toBe(false);
    expect(isValidTopicFilter('a/b+')).toBe(false);
    expect(isValidTopicFilter('')).toBe(false);
    expect(isExactTopic('a/b')).toBe(true);
    expect(isExactTopic('a/+')).toBe(false);
  });
});
