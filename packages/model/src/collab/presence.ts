import { z } from 'zod';
import { Vec3Schema } from '../park/schema.js';
import { CameraViewSchema } from './annotation.js';

/**
 * What each participant of a shared document publishes through Yjs awareness (issue 6): who
 * they are, where their camera is, their laser pointer and selection, and whether they present.
 * Awareness states come from other clients, so they are untrusted input: read them through
 * `PresenceStateSchema` (packages/collab `presenceOf` skips states that do not parse).
 *
 * @example
 * awareness.setLocalState({ user: { sub: 'u1', name: '王工', color: '#1f77b4' }, camera: view } satisfies PresenceState)
 */
export const PresenceStateSchema = z.object({
  user: z.object({
    sub: z.string().min(1).max(200),
    name: z.string().max(200),
    team: z.string().max(100).optional(),
    /** CSS colour of this participant's avatar, frustum and pointer (e.g. `#1f77b4`). */
    color: z.string().min(1).max(32),
  }),
  /** The participant's current camera: drawn as a frustum, followed in follow mode. */
  camera: CameraViewSchema.optional(),
  /** Laser pointer while the mouse/finger is held down; null when released. */
  pointer: Vec3Schema.nullable().optional(),
  /** The asset this participant has selected (highlighted for followers of a presenter). */
  selectedAssetId: z.string().max(64).nullable().optional(),
  /** True while this participant presents: everyone is asked to follow them. */
  presenting: z.boolean().optional(),
  /** When (epoch ms) the presenter last asked everyone to follow: a newer value asks again. */
  followRequestAt: z.number().int().nonnegative().optional(),
});
export type PresenceState = z.infer<typeof PresenceStateSchema>;
