import { describe, expect, it } from 'vitest';
import { isOwnApi, loginHref } from './auth.js';

describe('web auth helpers', () => {
  it('sends the token only to our own API', () => {
    expect(isOwnApi('/api/parks', 'https://twin.example.com')).toBe(true);
    expect(isOwnApi('https://twin.example.com/api/x', 'https://twin.example.com')).toBe(true);
    expect(isOwnApi('https://evil.example/api/x', 'https://twin.example.com')).toBe(false);
    expect(isOwnApi('/assets/app.js', 'https://twin.example.com')).toBe(false);
  });
  it('comes back to where it was after signing in', () => {
    expect(loginHref('/api/auth/dev/login', { pathname: '/', search: '?lang=en', hash: '#a' } as Location)).toBe(
      '/api/auth/dev/login?next=%2F%3Flang%3Den%23a',
    );
    expect(loginHref('https://sso/login?client=zcp', { pathname: '/x', search: '', hash: '' } as Location)).toBe('https://sso/login?client=zcp&next=%2Fx');
  });
});
