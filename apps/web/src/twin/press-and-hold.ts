import type { Vec3 } from '@zcp/model';

/** Hold this long without moving to switch the laser pointer on. */
export const LASER_HOLD_MS = 450;
/** Moving further than this before the hold fires makes the press an ordinary drag. */
export const LASER_SLOP_PX = 8;

export interface PressAndHoldOptions {
  /** What the pointer is over, canvas CSS px → park frame; null when nothing. */
  pick(x: number, y: number): Vec3 | null;
  /** Where the laser points while held; null on release. */
  onLaser(point: Vec3 | null): void;
  /** Any press or wheel on the canvas (ends following someone). */
  onGesture(): void;
  onHoldStart(): void;
  onHoldEnd(): void;
  holdMs?: number;
  slopPx?: number;
}

export interface PressAndHold {
  /** Babylon saw a pointer down: a later tap counts again (unless a laser is on). */
  pressed(): void;
  /** True once after a laser press: its release must not also count as a tap. */
  consumeTap(): boolean;
  dispose(): void;
}

/**
 * Click-and-hold on the canvas turns a laser pointer on for everyone: holding still for
 * `holdMs` switches it on (the camera stops taking that pointer); moving first keeps it an
 * ordinary drag. Also reports every gesture (press, wheel), which ends follow mode.
 *
 * @example
 * const hold = attachPressAndHold(canvas, { pick, onLaser, onGesture, onHoldStart, onHoldEnd });
 */
export function attachPressAndHold(canvas: HTMLCanvasElement, o: PressAndHoldOptions): PressAndHold {
  const holdMs = o.holdMs ?? LASER_HOLD_MS;
  const slopPx = o.slopPx ?? LASER_SLOP_PX;
  let hold: { id: number; x: number; y: number; timer: ReturnType<typeof setTimeout> } | null = null;
  let laserPointer: number | null = null;
  let suppressTap = false;
  const cssXY = (e: PointerEvent) => {
    const r = canvas.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };
  const cancelHold = () => {
    if (hold) clearTimeout(hold.timer);
    hold = null;
  };
  const onDown = (e: PointerEvent) => {
    o.onGesture();
    if (!e.isPrimary || (e.pointerType === 'mouse' && e.button !== 0)) return;
    cancelHold();
    const p = cssXY(e);
    const id = e.pointerId;
    hold = {
      id,
      ...p,
      timer: setTimeout(() => {
        hold = null;
        laserPointer = id;
        suppressTap = true;
        o.onHoldStart();
        o.onLaser(o.pick(p.x, p.y));
      }, holdMs),
    };
  };
  const onMove = (e: PointerEvent) => {
    const p = cssXY(e);
    if (laserPointer === e.pointerId) {
      const hit = o.pick(p.x, p.y);
      if (hit) o.onLaser(hit);
    } else if (hold && hold.id === e.pointerId && Math.hypot(p.x - hold.x, p.y - hold.y) > slopPx) {
      cancelHold();
    }
  };
  const onUp = (e: PointerEvent) => {
    if (hold && hold.id === e.pointerId) cancelHold();
    if (laserPointer === e.pointerId) {
      laserPointer = null;
      o.onHoldEnd();
      o.onLaser(null);
    }
  };
  const onWheel = () => o.onGesture();
  canvas.addEventListener('pointerdown', onDown);
  window.addEventListener('pointermove', onMove, { passive: true });
  window.addEventListener('pointerup', onUp);
  window.addEventListener('pointercancel', onUp);
  canvas.addEventListener('wheel', onWheel, { passive: true });

  return {
    pressed() {
      if (laserPointer === null) suppressTap = false;
    },
    consumeTap() {
      const s = suppressTap;
      suppressTap = false;
      return s;
    },
    dispose() {
      cancelHold();
      canvas.removeEventListener('pointerdown', onDown);
      window.removeEventListener('pointermove', onMove);
      window.removeEventListener('pointerup', onUp);
      window.removeEventListener('pointercancel', onUp);
      canvas.removeEventListener('wheel', onWheel);
    },
  };
}
