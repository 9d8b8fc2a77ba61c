// Shared documents on the twin (issue 6), runtime-agnostic: no `node:` imports; runs in the
// browser and in Node (the relay's tests and benchmark drive it as simulated clients).

export { type Actor, ANNOTATIONS_MAP, type AnnotationPatch, AnnotationStore, type AnnotationStoreOptions, type NewAnnotation } from './annotation-store.js';
export { DocProvider, type DocProviderOptions, type DocProviderStatus, type DocSocket } from './doc-provider.js';
export { CollabError, type CollabErrorCode } from './lib/errors.js';
export { decodeSyncMessage, encodeSyncMessage, type SyncMessage } from './lib/sync-message.js';
export { presenceOf } from './presence.js';
