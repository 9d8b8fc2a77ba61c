import { describe, expect, it } from 'vitest';
import { pickLocale } from './locale.js';

describe('pickLocale', () => {
  it('defaults to Chinese', () => {
    expect(pickLocale(null, [])).toBe('zh-CN');
    expect(pickLocale(null, ['de-DE', 'en'])).toBe('zh-CN');
  });
  it('follows an English browser', () => {
    expect(pickLocale(null, ['en-US'])).toBe('en');
    expect(pickLocale(null, ['EN'])).toBe('en');
  });
  it('keeps a saved valid choice and ignores junk', () => {
    expect(pickLocale('zh-CN', ['en-US'])).toBe('zh-CN');
    expect(pickLocale('fr', ['en-US'])).toBe('en');
  });
});
