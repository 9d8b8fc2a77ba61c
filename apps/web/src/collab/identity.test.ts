import { describe, expect, it } from 'vitest';
import { generatedName, IDENTITY_STORAGE_KEY, type KeyValueStore, loadIdentity, saveIdentity, teamColour } from './identity.js';

const memory = (): KeyValueStore & { data: Map<string, string> } => {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
};

describe('who am I', () => {
  it('generates and saves an identity once, then reads it back', () => {
    const s = memory();
    const a = loadIdentity(
      s,
      () => 0,
      () => 'x1',
    );
    expect(a).toEqual({ sub: 'dev-x1', name: generatedName(() => 0), team: '运维' });
    expect(s.data.has(IDENTITY_STORAGE_KEY)).toBe(true);
    saveIdentity(s, { ...a, name: 'Li', team: '安全' });
    expect(
      loadIdentity(
        s,
        () => 0.5,
        () => 'x2',
      ),
    ).toEqual({ sub: 'dev-x1', name: 'Li', team: '安全' });
  });
  it('starts afresh on a corrupt entry or without storage', () => {
    const s = memory();
    s.setItem(IDENTITY_STORAGE_KEY, '{nope');
    expect(
      loadIdentity(
        s,
        () => 0.99,
        () => 'y',
      ).sub,
    ).toBe('dev-y');
    expect(
      loadIdentity(
        null,
        () => 0,
        () => 'z',
      ).sub,
    ).toBe('dev-z');
  });
  it('colours teams the same everywhere', () => {
    expect(teamColour('运维')).toBe('#22c55e');
    expect(teamColour('Field crew')).toBe(teamColour('Field crew'));
    expect(teamColour(undefined)).toMatch(/^#/);
  });
});
