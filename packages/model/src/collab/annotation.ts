import { z } from 'zod';
import { IdSchema, Vec3Schema } from '../park/schema.js';

/**
 * Annotations shared on the twin (issue 6). One Yjs document holds a park's (or one
 * enterprise's) annotations; see `collab/docs.ts` for which documents exist and who may open
 * them, and `packages/collab` for the Y.Doc accessors. This file is the shape of the data,
 * checked with zod wherever it enters (a Y.Map written by another client is untrusted input).
 *
 * Layout inside the Y.Doc:
 * - `doc.getMap('annotations')`: annotation id → Y.Map with the fields of `AnnotationSchema`
 *   except `comments` and `attachments`, which are Y.Arrays in that map (so concurrent comments
 *   from two people both survive).
 * - Field edits are last-writer-wins per field (Y.Map semantics); the list of comments is a
 *   CRDT sequence.
 */

export const ANNOTATION_CATEGORIES = ['defect', 'question', 'action', 'observation'] as const;
export type AnnotationCategory = (typeof ANNOTATION_CATEGORIES)[number];

export const ANNOTATION_STATUSES = ['open', 'in_progress', 'resolved'] as const;
export type AnnotationStatus = (typeof ANNOTATION_STATUSES)[number];

/** Allowed status moves: open → in progress → resolved, and reopening. */
export const ANNOTATION_STATUS_MOVES: Record<AnnotationStatus, readonly AnnotationStatus[]> = {
  open: ['in_progress', 'resolved'],
  in_progress: ['open', 'resolved'],
  resolved: ['open'],
};

/** A camera pose in the park's local frame (metres, x east, y north, z up — as `Vec3`): where the view was taken from. */
export const CameraViewSchema = z.object({
  position: Vec3Schema,
  target: Vec3Schema,
  /** Vertical field of view, radians. */
  fov: z.number().positive().max(Math.PI).optional(),
});
export type CameraView = z.infer<typeof CameraViewSchema>;

/** Where an annotation sits: on an asset (follows it) or at a point in space. */
export const AnnotationAnchorSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('asset'), assetId: IdSchema, position: Vec3Schema.optional() }),
  z.object({ kind: z.literal('point'), position: Vec3Schema }),
]);
export type AnnotationAnchor = z.infer<typeof AnnotationAnchorSchema>;

/** Who did something: the principal's subject and display name at the time. */
export const ActorStampSchema = z.object({ by: z.string().min(1).max(200), name: z.string().max(200).optional(), at: z.number().int().nonnegative() });
export type ActorStamp = z.infer<typeof ActorStampSchema>;

export const AnnotationCommentSchema = z.object({
  id: z.string().min(1).max(64),
  text: z.string().min(1).max(4000),
  created: ActorStampSchema,
});
export type AnnotationComment = z.infer<typeof AnnotationCommentSchema>;

/** A photo or file stored through the relay's attachment API; the document holds only the reference. */
export const AttachmentRefSchema = z.object({
  id: z.string().min(1).max(64),
  contentType: z.string().min(1).max(100),
  bytes: z.number().int().nonnegative(),
  name: z.string().max(200).optional(),
  created: ActorStampSchema,
});
export type AttachmentRef = z.infer<typeof AttachmentRefSchema>;

export const AnnotationSchema = z.object({
  id: z.string().min(1).max(64),
  anchor: AnnotationAnchorSchema,
  /** The camera view the annotation was made from: "fly to" restores it. */
  view: CameraViewSchema,
  title: z.string().min(1).max(200),
  text: z.string().max(8000).default(''),
  category: z.enum(ANNOTATION_CATEGORIES),
  status: z.enum(ANNOTATION_STATUSES),
  assignee: z.string().max(200).optional(),
  team: z.string().max(100).optional(),
  /** Due date, ISO `YYYY-MM-DD`. */
  due: z.iso.date().optional(),
  comments: z.array(AnnotationCommentSchema).default([]),
  attachments: z.array(AttachmentRefSchema).default([]),
  created: ActorStampSchema,
  edited: ActorStampSchema.optional(),
});
export type Annotation = z.infer<typeof AnnotationSchema>;
export type AnnotationInput = z.input<typeof AnnotationSchema>;

export interface AnnotationFilter {
  status?: readonly AnnotationStatus[];
  category?: readonly AnnotationCategory[];
  team?: readonly string[];
}

/** The annotations that pass a filter (an empty or missing list means "any"). */
export function filterAnnotations(list: readonly Annotation[], f: AnnotationFilter): Annotation[] {
  const pass = <T>(allowed: readonly T[] | undefined, v: T | undefined) => !allowed || allowed.length === 0 || (v !== undefined && allowed.includes(v));
  return list.filter((a) => pass(f.status, a.status) && pass(f.category, a.category) && pass(f.team, a.team));
}
