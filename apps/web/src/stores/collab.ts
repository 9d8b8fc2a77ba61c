import { type Actor, AnnotationStore, DocProvider, type DocProviderStatus, type NewAnnotation, presenceOf } from '@zcp/collab';
import { type Annotation, type AnnotationStatus, type CameraView, PARK_DOC_ID, type PresenceState, type Vec3 } from '@zcp/model';
import { defineStore } from 'pinia';
import { computed, markRaw, ref, shallowRef, watch } from 'vue';
import { IndexeddbPersistence } from 'y-indexeddb';
import { preparePhoto, UploadError, uploadAttachment } from '../api/attachments.js';
import type { LiveSocket } from '../api/live-client.js';
import { openPhotoQueue, type PhotoQueue } from '../api/photo-queue.js';
import { type AnnotationFilterState, emptyFilter, visibleAnnotations } from '../collab/filters.js';
import { type Identity, loadIdentity, saveIdentity, teamColour } from '../collab/identity.js';
import { otherPeers, type Peer, presenterToFollow } from '../collab/presence.js';
import { useSelectionStore } from './selection.js';
import { useSessionStore } from './session.js';

/** How often at most this client's camera and laser go out as presence (ms). */
const CAMERA_PUBLISH_MS = 100;
const POINTER_PUBLISH_MS = 50;

const storage = (): Storage | null => {
  try {
    return localStorage;
  } catch {
    return null;
  }
};
/** Random ids without `crypto.randomUUID` (absent on plain-http LAN addresses, e.g. a phone in the field). */
const newId = (): string => {
  const b = new Uint8Array(12);
  crypto.getRandomValues(b);
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
};

/** What the 3D view offers the store (registered by TwinView once the scene is up). */
export interface TwinBridge {
  view(): CameraView;
  assetTop(assetId: string): Vec3 | null;
  /** What is in the middle of the visible part of the view (the phone's "in front of you"). */
  centreHit(): { assetId: string | null; point: Vec3 } | null;
}

/** A draft annotation being filled in: where, and the view it was made from. */
export interface AnnotationDraft {
  anchor: Annotation['anchor'];
  view: CameraView;
}

/**
 * The shared park document (annotations) and presence (who is here, their cameras, lasers,
 * follow mode). One `DocProvider` on the live socket; the document is also kept in IndexedDB so
 * edits made offline survive a reload and merge when the connection returns.
 */
export const useCollabStore = defineStore('collab', () => {
  // Who this is comes from the signed-in principal (issue 7); the name and team shown in presence
  // start from it and can be changed for display (kept in localStorage).
  const signedIn = useSessionStore().principal;
  const saved = loadIdentity(storage(), Math.random, newId);
  const identity = ref<Identity>(
    signedIn
      ? {
          ...saved,
          sub: signedIn.sub,
          name: saved.sub === signedIn.sub ? saved.name : signedIn.name || saved.name,
          team: saved.sub === signedIn.sub ? saved.team : (signedIn.team ?? saved.team),
        }
      : saved,
  );
  if (signedIn) saveIdentity(storage(), identity.value);
  const status = ref<DocProviderStatus>('connecting');
  const refusal = ref<string | null>(null);
  const pending = ref(0);
  const access = ref<'read' | 'write' | undefined>(undefined);
  const annotations = shallowRef<Annotation[]>([]);
  const peersAll = shallowRef<Map<number, PresenceState>>(new Map());
  const selfId = ref(0);
  const filter = ref<AnnotationFilterState>(emptyFilter());
  /** The annotation open in the panel. */
  const openId = ref<string | null>(null);
  /** Creating: 'pick' waits for a tap in the scene; a draft shows the form. */
  const creating = ref<'pick' | AnnotationDraft | null>(null);
  const following = ref<{ clientId: number; reason: 'manual' | 'presenter' } | null>(null);
  const dismissedRequestAt = ref(0);
  const presenting = ref(false);
  /** Set by the twin view: fly the camera to a stored view (bumped per request). */
  const flyRequest = shallowRef<{ view: CameraView; n: number } | null>(null);
  const lastError = ref<string | null>(null);

  let bridge: TwinBridge | null = null;
  let provider: DocProvider | null = null;
  let store: AnnotationStore | null = null;
  let persistence: IndexeddbPersistence | null = null;
  let parkId: string | null = null;
  const cleanups: (() => void)[] = [];

  const actor = (): Actor => ({ sub: identity.value.sub, name: identity.value.name });
  const userState = () => ({ sub: identity.value.sub, name: identity.value.name, team: identity.value.team, color: teamColour(identity.value.team) });

  const peers = computed<Peer[]>(() => otherPeers(peersAll.value, selfId.value));
  const visible = computed(() => visibleAnnotations(annotations.value, filter.value));
  const openAnnotation = computed(() => annotations.value.find((a) => a.id === openId.value) ?? null);
  const followedPeer = computed(() => (following.value ? (peers.value.find((p) => p.clientId === following.value?.clientId) ?? null) : null));
  const followView = computed(() => followedPeer.value?.state.camera ?? null);
  /** What the presenter we follow has selected: highlighted in the scene. */
  const presenterSelection = computed(() => followedPeer.value?.state.selectedAssetId ?? null);

  function start(id: string, socket: LiveSocket): void {
    stop();
    parkId = id;
    const p = new DocProvider({ socket, ref: { parkId: id, docId: PARK_DOC_ID } });
    provider = markRaw(p);
    persistence = markRaw(new IndexeddbPersistence(`zcp:${id}:${PARK_DOC_ID}`, p.doc));
    store = markRaw(new AnnotationStore(p.doc, { newId }));
    selfId.value = p.doc.clientID;
    const refresh = () => {
      annotations.value = store?.list() ?? [];
    };
    cleanups.push(store.observe(refresh));
    refresh();
    const onStatus = (s: DocProviderStatus) => {
      // Back after a disconnect: the relay told the others we left (a newer awareness clock than
      // ours), so re-announce with a fresh clock or they would ignore us until the 15 s renewal.
      if (s === 'synced' && status.value !== 'synced') {
        const mine = p.awareness.getLocalState();
        if (mine) p.awareness.setLocalState({ ...mine });
      }
      status.value = s;
      access.value = p.access;
      refusal.value = s === 'refused' && p.refusal ? `${p.refusal.code}: ${p.refusal.message}` : null;
    };
    const onPending = (n: number) => {
      pending.value = n;
    };
    p.on('status', onStatus);
    p.on('pending', onPending);
    cleanups.push(() => {
      p.off('status', onStatus);
      p.off('pending', onPending);
    });
    onStatus(p.status);
    onPending(p.pending);
    void refreshQueued().catch(() => undefined);
    const onAwareness = () => {
      peersAll.value = presenceOf(p.awareness);
    };
    p.awareness.on('change', onAwareness);
    cleanups.push(() => p.awareness.off('change', onAwareness));
    p.awareness.setLocalState(freshPresence());
    onAwareness();
    // Closing the tab: say goodbye at once, rather than linger as a ghost until awareness times out.
    const onHide = () => p.awareness.setLocalState(null);
    const onShow = (e: PageTransitionEvent) => {
      if (e.persisted) p.awareness.setLocalState(freshPresence());
    };
    window.addEventListener('pagehide', onHide);
    window.addEventListener('pageshow', onShow);
    cleanups.push(() => {
      window.removeEventListener('pagehide', onHide);
      window.removeEventListener('pageshow', onShow);
    });
  }

  function freshPresence(): PresenceState {
    const camera = bridge?.view();
    return { user: userState(), pointer: null, selectedAssetId: useSelectionStore().assetId, presenting: presenting.value, ...(camera ? { camera } : {}) };
  }

  function stop(): void {
    for (const c of cleanups.splice(0)) c();
    provider?.destroy();
    void persistence?.destroy();
    provider = null;
    persistence = null;
    store = null;
  }

  const setField = (k: keyof PresenceState, v: unknown) => provider?.awareness.setLocalStateField(k, v);

  // Camera and laser go out throttled, the last value always sent.
  const throttle = <T>(ms: number, send: (v: T) => void) => {
    let last = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let next: T;
    return (v: T) => {
      next = v;
      const wait = last + ms - Date.now();
      if (wait <= 0) {
        clearTimeout(timer);
        timer = undefined;
        last = Date.now();
        send(v);
      } else if (!timer) {
        timer = setTimeout(() => {
          timer = undefined;
          last = Date.now();
          send(next);
        }, wait);
      }
    };
  };
  const publishCamera = throttle<CameraView>(CAMERA_PUBLISH_MS, (v) => setField('camera', v));
  const publishPointerThrottled = throttle<Vec3>(POINTER_PUBLISH_MS, (v) => setField('pointer', v));
  let pointerOn = false;
  function publishPointer(p: Vec3 | null): void {
    if (p === null) {
      pointerOn = false;
      setField('pointer', null);
      return;
    }
    pointerOn = true;
    publishPointerThrottled(p);
  }

  watch(
    () => useSelectionStore().assetId,
    (id) => setField('selectedAssetId', id),
  );

  function setIdentity(name: string, team: string): void {
    identity.value = { ...identity.value, name: name.trim().slice(0, 60) || identity.value.name, team: team.trim().slice(0, 40) };
    saveIdentity(storage(), identity.value);
    setField('user', userState());
  }

  // ---- follow and present ----
  function follow(clientId: number): void {
    if (presenting.value) stopPresenting();
    following.value = { clientId, reason: 'manual' };
  }
  function leaveFollow(): void {
    const f = following.value;
    if (!f) return;
    if (f.reason === 'presenter') dismissedRequestAt.value = Math.max(dismissedRequestAt.value, followedPeer.value?.state.followRequestAt ?? Date.now());
    following.value = null;
  }
  function present(): void {
    following.value = null;
    presenting.value = true;
    setField('presenting', true);
    setField('followRequestAt', Date.now());
  }
  function stopPresenting(): void {
    presenting.value = false;
    setField('presenting', false);
  }
  watch(peers, (list) => {
    const f = following.value;
    if (f) {
      const p = list.find((x) => x.clientId === f.clientId);
      if (!p || (f.reason === 'presenter' && !p.state.presenting)) following.value = null;
    }
    if (presenting.value) return;
    const presenter = presenterToFollow(list, dismissedRequestAt.value);
    if (presenter && following.value?.clientId !== presenter.clientId) following.value = { clientId: presenter.clientId, reason: 'presenter' };
  });

  // ---- annotations ----
  function guard<T>(fn: () => T): T | undefined {
    try {
      lastError.value = null;
      return fn();
    } catch (err) {
      lastError.value = err instanceof Error ? err.message : String(err);
      return undefined;
    }
  }
  function add(input: NewAnnotation): string | undefined {
    return guard(() => store?.add(input, actor()));
  }
  function update(id: string, patch: Parameters<AnnotationStore['update']>[1]): void {
    guard(() => store?.update(id, patch, actor()));
  }
  function setStatus(id: string, s: AnnotationStatus): void {
    guard(() => store?.setStatus(id, s, actor()));
  }
  function comment(id: string, text: string): void {
    if (text.trim()) guard(() => store?.addComment(id, text.trim(), actor()));
  }
  function remove(id: string): void {
    guard(() => store?.remove(id));
    if (openId.value === id) openId.value = null;
  }
  /**
   * Uploads a photo and attaches it. Offline, the photo is kept in the browser's photo queue and
   * uploaded (then attached) when the connection returns: resolves 'queued'. Rejects with the
   * reason for anything else (too large, not a photo, refused by the relay).
   */
  async function attachPhoto(id: string, file: Blob, name?: string): Promise<'attached' | 'queued'> {
    if (!parkId) throw new Error('no park');
    const body = await preparePhoto(file);
    try {
      await uploadAndAttach(parkId, id, body, name, Date.now());
      return 'attached';
    } catch (err) {
      if (!(err instanceof UploadError && err.code === 'offline')) throw err;
      await photoQueue().add({ parkId, annotationId: id, blob: body, ...(name ? { name } : {}), at: Date.now() });
      await refreshQueued();
      return 'queued';
    }
  }

  async function uploadAndAttach(park: string, id: string, body: Blob, name: string | undefined, at: number): Promise<void> {
    const stored = await uploadAttachment(park, body, name);
    guard(() =>
      store?.addAttachment(id, {
        id: stored.id,
        contentType: stored.contentType,
        bytes: stored.bytes,
        ...(name ? { name: name.slice(0, 200) } : {}),
        created: { by: identity.value.sub, name: identity.value.name, at },
      }),
    );
  }

  let queue: PhotoQueue | null = null;
  const photoQueue = () => {
    queue ??= openPhotoQueue();
    return queue;
  };
  /** Photos waiting to upload, per annotation id. */
  const queuedPhotos = shallowRef<ReadonlyMap<string, number>>(new Map());
  async function refreshQueued(): Promise<void> {
    if (!parkId) return;
    const counts = new Map<string, number>();
    for (const p of await photoQueue().list(parkId)) counts.set(p.annotationId, (counts.get(p.annotationId) ?? 0) + 1);
    queuedPhotos.value = counts;
  }
  let draining = false;
  /** Uploads queued photos, oldest first; stops at the first that still cannot reach the relay. */
  async function drainPhotos(): Promise<void> {
    if (!parkId || draining) return;
    draining = true;
    try {
      for (const p of await photoQueue().list(parkId)) {
        try {
          await uploadAndAttach(p.parkId, p.annotationId, p.blob, p.name, p.at);
        } catch (err) {
          if (err instanceof UploadError && err.code === 'offline') break;
          // Refused for good (the annotation was deleted, the type is not allowed …): drop it, say why.
          lastError.value = err instanceof Error ? err.message : String(err);
        }
        if (p.key !== undefined) await photoQueue().remove(p.key);
      }
    } catch (err) {
      lastError.value = err instanceof Error ? err.message : String(err);
    } finally {
      draining = false;
      await refreshQueued().catch(() => undefined);
    }
  }
  watch(status, (s) => {
    if (s === 'synced') void drainPhotos();
  });

  /** Opens an annotation: the panel shows it, the camera flies to its view, its asset is selected. */
  function open(id: string | null, fly = true): void {
    openId.value = id;
    const a = id ? annotations.value.find((x) => x.id === id) : undefined;
    if (!a) return;
    const selection = useSelectionStore();
    selection.tab = 'notes';
    if (a.anchor.kind === 'asset') selection.assetId = a.anchor.assetId;
    if (fly) {
      leaveFollow();
      flyRequest.value = { view: a.view, n: (flyRequest.value?.n ?? 0) + 1 };
    }
  }

  /** A draft anchored on an asset (at its top as drawn), from the current view; null before the 3D view is up. */
  function draftForAsset(assetId: string): AnnotationDraft | null {
    if (!bridge) return null;
    const top = bridge.assetTop(assetId);
    return { anchor: { kind: 'asset', assetId, ...(top ? { position: top } : {}) }, view: bridge.view() };
  }
  /** A draft from a tap in the scene: on the asset hit, or at the point. */
  function draftAt(hit: { assetId: string | null; point: Vec3 }): AnnotationDraft | null {
    if (!bridge) return null;
    return { anchor: hit.assetId ? { kind: 'asset', assetId: hit.assetId, position: hit.point } : { kind: 'point', position: hit.point }, view: bridge.view() };
  }
  function startAnnotating(assetId: string): void {
    const d = draftForAsset(assetId);
    if (!d) return;
    openId.value = null;
    creating.value = d;
    useSelectionStore().tab = 'notes';
  }

  /**
   * The phone's one-thumb flow: a photo annotation on the selected asset, or on what is in
   * front of the camera. Creates the annotation first (it is kept offline too), then uploads
   * the photo, or queues it while offline; rejects with the upload's reason (the annotation stays).
   */
  async function photoAnnotation(file: Blob, titleOf: (assetId: string | null) => string): Promise<'attached' | 'queued' | undefined> {
    const selected = useSelectionStore().assetId;
    const draft = selected
      ? draftForAsset(selected)
      : (() => {
          const hit = bridge?.centreHit();
          return hit ? draftAt(hit) : null;
        })();
    if (!draft) return undefined;
    const assetId = draft.anchor.kind === 'asset' ? draft.anchor.assetId : null;
    const id = add({
      anchor: draft.anchor,
      view: draft.view,
      title: titleOf(assetId).slice(0, 200),
      text: '',
      category: 'observation',
      status: 'open',
      ...(identity.value.team ? { team: identity.value.team } : {}),
    });
    if (!id) return undefined;
    open(id, false);
    return attachPhoto(id, file, file instanceof File ? file.name : undefined);
  }

  return {
    identity,
    setBridge: (b: TwinBridge | null) => {
      bridge = b ? markRaw(b) : null;
    },
    draftForAsset,
    draftAt,
    startAnnotating,
    photoAnnotation,
    status,
    refusal,
    pending,
    access,
    annotations,
    visible,
    filter,
    openId,
    openAnnotation,
    creating,
    peers,
    peersAll,
    selfId,
    following,
    followedPeer,
    followView,
    presenterSelection,
    presenting,
    flyRequest,
    lastError,
    start,
    stop,
    publishCamera,
    publishPointer,
    pointerActive: () => pointerOn,
    setIdentity,
    follow,
    leaveFollow,
    present,
    stopPresenting,
    add,
    update,
    setStatus,
    comment,
    remove,
    attachPhoto,
    queuedPhotos,
    drainPhotos,
    open,
    userColour: computed(() => teamColour(identity.value.team)),
  };
});
