import {
  ANNOTATION_STATUS_MOVES,
  type Annotation,
  type AnnotationComment,
  AnnotationCommentSchema,
  type AnnotationInput,
  AnnotationSchema,
  type AnnotationStatus,
  type AttachmentRef,
  AttachmentRefSchema,
} from '@zcp/model';
import * as Y from 'yjs';
import { CollabError } from './lib/errors.js';

/** Who makes a change: the principal's subject and display name. */
export interface Actor {
  sub: string;
  name: string;
}

/** What `add` takes: the annotation without the fields the store fills in. */
export type NewAnnotation = Omit<AnnotationInput, 'id' | 'created' | 'comments' | 'attachments'>;
/** Fields `update` may change (status has its own move rules: `setStatus`). */
export type AnnotationPatch = Partial<Pick<Annotation, 'anchor' | 'view' | 'title' | 'text' | 'category' | 'assignee' | 'team' | 'due'>>;

export interface AnnotationStoreOptions {
  /** Wall clock for the created/edited stamps (epoch ms). Default `Date.now`. */
  now?: () => number;
  /** New annotation and comment ids. Default `crypto.randomUUID`. */
  newId?: () => string;
}

/** Name of the Y.Map holding the annotations (layout: packages/model/src/collab/annotation.ts). */
export const ANNOTATIONS_MAP = 'annotations';
const SCALAR_FIELDS = ['anchor', 'view', 'title', 'text', 'category', 'status', 'assignee', 'team', 'due', 'created', 'edited'] as const;

/**
 * Typed access to the annotations of a shared Y.Doc. Reads validate every entry with
 * `AnnotationSchema` and skip what does not parse (another client's bad write must not break
 * the list); writes validate first and throw `CollabError` (`invalid_input`, `not_found`,
 * `invalid_move`). Fields are last-writer-wins; comments and attachments are Y.Arrays, so
 * concurrent additions all survive.
 *
 * @example
 * const store = new AnnotationStore(provider.doc);
 * const id = store.add({ anchor: { kind: 'asset', assetId: 'pv1' }, view, title: '漏水', category: 'defect', status: 'open' }, { sub: 'u1', name: '王工' });
 * store.setStatus(id, 'in_progress', actor);
 */
export class AnnotationStore {
  private readonly map: Y.Map<Y.Map<unknown>>;
  private readonly now: () => number;
  private readonly newId: () => string;

  constructor(
    readonly doc: Y.Doc,
    o: AnnotationStoreOptions = {},
  ) {
    this.map = doc.getMap(ANNOTATIONS_MAP);
    this.now = o.now ?? Date.now;
    this.newId = o.newId ?? (() => globalThis.crypto.randomUUID());
  }

  /** Every valid annotation, oldest first (ties by id, so every replica lists the same order). */
  list(): Annotation[] {
    const out: Annotation[] = [];
    for (const [id, entry] of this.map.entries()) {
      const a = readAnnotation(id, entry);
      if (a) out.push(a);
    }
    return out.sort((a, b) => a.created.at - b.created.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  get(id: string): Annotation | undefined {
    const entry = this.map.get(id);
    return entry === undefined ? undefined : readAnnotation(id, entry);
  }

  /** Adds an annotation; returns its id. */
  add(input: NewAnnotation, actor: Actor): string {
    const id = this.newId();
    const parsed = AnnotationSchema.safeParse({ ...input, id, created: this.stamp(actor), comments: [], attachments: [] });
    if (!parsed.success) throw invalid(parsed.error.issues);
    const a = parsed.data;
    this.doc.transact(() => {
      const entry = new Y.Map<unknown>();
      for (const f of SCALAR_FIELDS) if (a[f] !== undefined) entry.set(f, a[f]);
      entry.set('comments', new Y.Array<AnnotationComment>());
      entry.set('attachments', new Y.Array<AttachmentRef>());
      this.map.set(id, entry);
    });
    return id;
  }

  /** Changes fields (an `undefined` value clears an optional one) and stamps `edited`. */
  update(id: string, patch: AnnotationPatch, actor: Actor): void {
    const current = this.require(id);
    const next = { ...current, ...patch, edited: this.stamp(actor) };
    const parsed = AnnotationSchema.safeParse(next);
    if (!parsed.success) throw invalid(parsed.error.issues);
    const entry = this.entry(id);
    this.doc.transact(() => {
      for (const key of Object.keys(patch) as (keyof AnnotationPatch)[]) {
        const v = parsed.data[key];
        if (v === undefined) entry.delete(key);
        else entry.set(key, v);
      }
      entry.set('edited', parsed.data.edited);
    });
  }

  /** Moves the status along `ANNOTATION_STATUS_MOVES` (open → in progress → resolved, reopen). */
  setStatus(id: string, status: AnnotationStatus, actor: Actor): void {
    const current = this.require(id);
    if (!ANNOTATION_STATUS_MOVES[current.status].includes(status)) {
      throw new CollabError('invalid_move', `annotation '${id}' cannot move from '${current.status}' to '${status}'`);
    }
    const entry = this.entry(id);
    this.doc.transact(() => {
      entry.set('status', status);
      entry.set('edited', this.stamp(actor));
    });
  }

  /** Appends a comment; returns its id. */
  addComment(id: string, text: string, actor: Actor): string {
    this.require(id);
    const comment: AnnotationComment = { id: this.newId(), text, created: this.stamp(actor) };
    const parsed = AnnotationCommentSchema.safeParse(comment);
    if (!parsed.success) throw invalid(parsed.error.issues);
    this.array(id, 'comments').push([parsed.data]);
    return comment.id;
  }

  /** Adds a reference to a stored attachment (the bytes go through the relay's HTTP API). */
  addAttachment(id: string, ref: AttachmentRef): void {
    this.require(id);
    const parsed = AttachmentRefSchema.safeParse(ref);
    if (!parsed.success) throw invalid(parsed.error.issues);
    this.array(id, 'attachments').push([parsed.data]);
  }

  remove(id: string): void {
    if (!this.map.has(id)) throw new CollabError('not_found', `no annotation '${id}'`);
    this.map.delete(id);
  }

  /** Calls `cb` after every change to any annotation (local or remote); returns the unsubscribe. */
  observe(cb: () => void): () => void {
    const handler = () => cb();
    this.map.observeDeep(handler);
    return () => this.map.unobserveDeep(handler);
  }

  private stamp(actor: Actor) {
    return { by: actor.sub, name: actor.name, at: this.now() };
  }

  private entry(id: string): Y.Map<unknown> {
    const entry = this.map.get(id);
    if (!(entry instanceof Y.Map)) throw new CollabError('not_found', `no annotation '${id}'`);
    return entry;
  }

  private require(id: string): Annotation {
    const a = this.get(id);
    if (!a) throw new CollabError('not_found', `no valid annotation '${id}'`);
    return a;
  }

  private array<T>(id: string, key: 'comments' | 'attachments'): Y.Array<T> {
    const entry = this.entry(id);
    let arr = entry.get(key);
    if (!(arr instanceof Y.Array)) {
      arr = new Y.Array<T>();
      entry.set(key, arr);
    }
    return arr as Y.Array<T>;
  }
}

function readAnnotation(id: string, entry: unknown): Annotation | undefined {
  if (!(entry instanceof Y.Map)) return undefined;
  const raw: Record<string, unknown> = { id };
  for (const f of SCALAR_FIELDS) {
    const v = entry.get(f);
    if (v !== undefined) raw[f] = v;
  }
  // A bad comment or attachment written by another client hides itself, not the annotation.
  const comments = entry.get('comments');
  raw.comments = comments instanceof Y.Array ? comments.toArray().filter((c) => AnnotationCommentSchema.safeParse(c).success) : [];
  const attachments = entry.get('attachments');
  raw.attachments = attachments instanceof Y.Array ? attachments.toArray().filter((a) => AttachmentRefSchema.safeParse(a).success) : [];
  const parsed = AnnotationSchema.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}

function invalid(issues: readonly { path: PropertyKey[]; message: string }[]): CollabError {
  return new CollabError('invalid_input', `invalid annotation: ${issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`).join('; ')}`);
}
