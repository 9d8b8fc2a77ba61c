import { describe, expect, it } from 'vitest';
import { createStaticDeviceAuthenticator, parseDeviceTokens, sha256Hex } from './device-auth.js';

describe('device tokens', () => {
  it('hashes with SHA-256 (known vector)', async () => {
    expect(await sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it.each([
    ['not JSON', '[{', /not JSON/],
    ['a plain-text token instead of its hash', '[{"deviceId":"a","tokenSha256":"secret","assets":["x"]}]', /64 hex/],
    ['a device with nothing allowed', `[{"deviceId":"a","tokenSha256":"${'0'.repeat(64)}"}]`, /at least one/],
    [
      'a device listed twice',
      `[{"deviceId":"a","tokenSha256":"${'0'.repeat(64)}","points":[1]},{"deviceId":"a","tokenSha256":"${'1'.repeat(64)}","points":[1]}]`,
      /twice/,
    ],
  ])('refuses %s', (_what, text, message) => {
    expect(() => parseDeviceTokens(text)).toThrow(message);
  });

  it('authenticates the right device and only for what it is allowed', async () => {
    const auth = createStaticDeviceAuthenticator(
      parseDeviceTokens(
        JSON.stringify([
          { deviceId: 'a', tokenSha256: await sha256Hex('token-a'), assets: ['pv1'] },
          { deviceId: 'b', tokenSha256: await sha256Hex('token-b'), points: [42] },
        ]),
      ),
    );
    const a = await auth.authenticate('token-a');
    const b = await auth.authenticate('token-b');
    expect(a?.deviceId).toBe('a');
    expect(b?.deviceId).toBe('b');
    const point = (id: number, assetId: string) => ({ id, assetId, tag: `${assetId}.p_kw`, metric: 'p_kw', unit: 'kW' as const, kind: 'gauge' as const });
    expect(a?.allows(point(1, 'pv1'))).toBe(true);
    expect(a?.allows(point(42, 'pv2'))).toBe(false);
    expect(b?.allows(point(42, 'pv2'))).toBe(true);
    expect(await auth.authenticate('token-c')).toBeUndefined();
    expect(await auth.authenticate('')).toBeUndefined();
    expect(await auth.authenticate('x'.repeat(5000))).toBeUndefined();
  });
});
