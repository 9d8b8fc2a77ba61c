import type { DocAccessDecision, DocOpenAck, DocRef, DocSyncAck, Principal } from '@zcp/model';
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';

/**
 * The collab server is a core (collab-server.ts: sockets, loaded documents, the sync exchange)
 * plus extensions with typed hooks, after Hocuspocus: authentication, persistence, the NATS
 * bridge and logging are each one extension (extensions/). Hooks run in the order the
 * extensions are given; "first answer wins" hooks say so.
 */

/** One stored Yjs update: its number in the document's log and its bytes. */
export interface StoredUpdate {
  seq: number;
  bytes: Uint8Array;
}

/** What the log holds after `sinceSeq`: the snapshot when compaction passed `sinceSeq`, then the rows. */
export interface LogTail {
  snapshot?: { throughSeq: number; state: Uint8Array };
  updates: StoredUpdate[];
}

/** A loaded document, as extensions see it. */
export interface DocHandle {
  /** `{parkId}/{docId}` (docKey in packages/model): the key in the database and in logs. */
  readonly key: string;
  readonly ref: DocRef;
  readonly doc: Y.Doc;
  readonly awareness: Awareness;
  /** Every log entry up to this seq has been applied to `doc`. */
  readonly appliedThroughSeq: number;
  /** Sockets that have the document open on this relay. */
  clientCount(): number;
  /** Applies updates another relay stored (seen on the bus); a gap in the numbers triggers a re-read of the log. */
  applyStored(updates: readonly StoredUpdate[]): void;
  /** Applies an awareness update from another relay. */
  applyRemoteAwareness(update: Uint8Array): void;
  /** Re-reads the log tail from the database soon (a message was missed, or Yjs has pending structs). */
  requestCatchUp(reason: string): void;
}

/** Close and refusal codes the relay sends (`DocOpenAck` / `DocSyncAck` codes, and `doc:closed` reasons). */
export const CollabCloseCode = {
  /** The document's storage failed; the client re-opens and re-syncs. */
  storageFailed: 'storage_failed',
  /** The relay is shutting down. */
  shuttingDown: 'shutting_down',
} as const;

export type OpenRefusalCode = Extract<DocOpenAck, { ok: false }>['code'];
export type SyncRefusalCode = Extract<DocSyncAck, { ok: false }>['code'];

/** A refusal an extension throws from a hook: becomes the ack `{ ok: false, code, message }`. */
export class CollabRefusal extends Error {
  constructor(
    readonly code: OpenRefusalCode,
    message: string,
  ) {
    super(message);
    this.name = 'CollabRefusal';
  }
}

/** The decision of `onAuthorize`; `code` defaults to `forbidden` when access is `none`. */
export type AuthorizeDecision = DocAccessDecision & { code?: OpenRefusalCode };

export interface RefusalContext {
  socketId: string;
  sub?: string;
  role?: Principal['role'];
  /** The document key when the request named a valid document. */
  key?: string;
  stage: 'open' | 'sync' | 'awareness';
  code: string;
  message: string;
}

export interface OpenContext {
  doc: DocHandle;
  socketId: string;
  principal: Principal;
  access: 'read' | 'write';
}

/** What the core offers extensions (given once, in `onConfigure`). */
export interface CollabServerApi {
  readonly relayId: string;
  /** The documents loaded right now. */
  loadedDocs(): DocHandle[];
}

export interface CollabExtension {
  readonly name: string;
  onConfigure?(server: CollabServerApi): void;
  /** First extension that has it decides who the socket is; throw `CollabRefusal('unauthenticated', …)` to refuse. */
  /** `verified`: the principal the socket's transport already verified (issue 7: the handshake token), if any. */
  onAuthenticate?(ctx: { socketId: string; auth: unknown; verified?: Principal | undefined }): Principal | Promise<Principal>;
  /** First extension that has it decides the access to a document. */
  onAuthorize?(ctx: { principal: Principal; ref: DocRef }): AuthorizeDecision | Promise<AuthorizeDecision>;
  /** Before the stored state is read (the bridge subscribes here, so nothing published meanwhile is missed). */
  beforeLoadDocument?(ctx: { doc: DocHandle }): void | Promise<void>;
  /** First extension that has it reads the log after `sinceSeq` (load and catch-up). */
  onFetchUpdates?(ctx: { doc: DocHandle; sinceSeq: number }): Promise<LogTail>;
  /** First extension that has it stores updates, in order, in one transaction; resolves with their seqs once committed. */
  onStoreUpdates?(ctx: { doc: DocHandle; updates: readonly Uint8Array[] }): Promise<number[]>;
  /**
   * After a commit: the stored updates with their numbers (the bridge publishes them; may be
   * empty when the batch only acknowledged updates that changed nothing), and for each client
   * message of the batch the time from its arrival to the commit.
   */
  afterStoreUpdates?(ctx: { doc: DocHandle; stored: readonly StoredUpdate[]; arrivalToCommitMs: readonly number[] }): void;
  /** An awareness change made by a client of this relay (the bridge publishes it). */
  onLocalAwareness?(ctx: { doc: DocHandle; update: Uint8Array }): void;
  afterLoadDocument?(ctx: { doc: DocHandle; ms: number; bytes: number; updates: number }): void;
  afterUnloadDocument?(ctx: { doc: DocHandle }): void;
  onOpen?(ctx: OpenContext): void;
  onClose?(ctx: { doc: DocHandle; socketId: string }): void;
  onRefuse?(ctx: RefusalContext): void;
  /** A client's update removed annotations from a document (issue 7: deletions are audited). */
  onAnnotationsDeleted?(ctx: { key: string; ref: DocRef; annotationIds: string[]; socketId: string; principal: Principal | undefined }): void;
  /** Something failed with context (never payload bytes). */
  onError?(ctx: { key?: string; socketId?: string; what: string; err: unknown }): void;
  onStop?(): void | Promise<void>;
}
