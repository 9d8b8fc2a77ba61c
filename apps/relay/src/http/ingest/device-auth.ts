import { IdSchema, type Point } from '@zcp/model';
import { z } from 'zod';

/**
 * Who pushed a request, and what it may write. Issue 7 replaces the static list below with a
 * credential store with revocation; the ingest route only sees this interface.
 */
export interface DeviceIdentity {
  deviceId: string;
  /** True when the device may write this point (its asset or the point itself is allowed). */
  allows(point: Point): boolean;
}

export interface DeviceAuthenticator {
  /** Resolves the identity owning the bearer token, or undefined. Never throws for bad tokens. */
  authenticate(token: string): Promise<DeviceIdentity | undefined>;
}

/**
 * One device's entry in `INGEST_DEVICES` / `INGEST_DEVICES_FILE`: only the SHA-256 of its token
 * is stored (hex), so the file is not a secret worth stealing.
 *
 * @example
 * { "deviceId": "meter-gw-1", "tokenSha256": "9f86d0…", "assets": ["pv-e1-b1"], "points": [17] }
 */
export const DeviceTokenEntrySchema = z
  .object({
    deviceId: IdSchema,
    tokenSha256: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters (SHA-256 of the token)')
      .transform((s) => s.toLowerCase()),
    /** Assets whose every point the device may write. */
    assets: z.array(IdSchema).default([]),
    /** Single points the device may write. */
    points: z.array(z.number().int().positive()).default([]),
  })
  .refine((e) => e.assets.length + e.points.length > 0, { message: 'a device must be allowed at least one asset or point' });
export type DeviceTokenEntry = z.output<typeof DeviceTokenEntrySchema>;
export const DeviceTokensSchema = z.array(DeviceTokenEntrySchema).superRefine((list, ctx) => {
  const seen = new Set<string>();
  for (const [i, e] of list.entries()) {
    if (seen.has(e.deviceId)) ctx.addIssue({ code: 'custom', path: [i, 'deviceId'], message: `device '${e.deviceId}' is listed twice` });
    seen.add(e.deviceId);
  }
});

/** Parses the device token list (JSON text); throws a readable error naming every problem. */
export function parseDeviceTokens(text: string): DeviceTokenEntry[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`device tokens: not JSON (${(e as Error).message})`);
  }
  const parsed = DeviceTokensSchema.safeParse(json);
  if (!parsed.success) throw new Error(`device tokens: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

const encoder = new TextEncoder();

/** SHA-256 of a string as lowercase hex, with Web Crypto (Node, browsers and edge workers). */
export async function sha256Hex(text: string | Uint8Array): Promise<string> {
  const bytes = typeof text === 'string' ? encoder.encode(text) : text;
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  let hex = '';
  for (const b of digest) hex += b.toString(16).padStart(2, '0');
  return hex;
}

const fromHex = (hex: string): Uint8Array => {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
};

/** Equal-length byte comparison whose time does not depend on where the first difference is. */
function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

/**
 * Authenticates against a fixed list of token hashes. The presented token is hashed and
 * compared with EVERY entry in constant time (no early exit), so timing reveals neither
 * which byte differed nor which entry matched.
 *
 * @example
 * const devices = createStaticDeviceAuthenticator(parseDeviceTokens(readFileSync(file, 'utf8')))
 */
export function createStaticDeviceAuthenticator(entries: readonly DeviceTokenEntry[]): DeviceAuthenticator {
  const compiled = entries.map((e) => ({
    hash: fromHex(e.tokenSha256),
    identity: {
      deviceId: e.deviceId,
      allows: (
        (assets: ReadonlySet<string>, points: ReadonlySet<number>) => (p: Point) =>
          assets.has(p.assetId) || points.has(p.id)
      )(new Set(e.assets), new Set(e.points)),
    } satisfies DeviceIdentity,
  }));
  return {
    async authenticate(token) {
      if (token.length === 0 || token.length > 4096) return undefined;
      const presented = fromHex(await sha256Hex(token));
      let found: DeviceIdentity | undefined;
      for (const c of compiled) if (constantTimeEqual(presented, c.hash) && !found) found = c.identity;
      return found;
    },
  };
}
