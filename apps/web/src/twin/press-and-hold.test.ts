import type { Vec3 } from '@zcp/model';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { attachPressAndHold, LASER_HOLD_MS } from './press-and-hold.js';

/** Just enough of a pointer event for the module (node has no PointerEvent). */
const ev = (type: string, x: number, y: number, extra: Record<string, unknown> = {}) =>
  Object.assign(new Event(type), { clientX: x, clientY: y, pointerId: 1, isPrimary: true, pointerType: 'mouse', button: 0, ...extra });

describe('press and hold (laser pointer)', () => {
  let win: EventTarget;
  let canvas: EventTarget & { getBoundingClientRect(): { left: number; top: number } };
  let lasers: (Vec3 | null)[];
  let gestures: number;
  let camera: string[];
  beforeEach(() => {
    vi.useFakeTimers();
    win = new EventTarget();
    vi.stubGlobal('window', win);
    canvas = Object.assign(new EventTarget(), { getBoundingClientRect: () => ({ left: 10, top: 20 }) });
    lasers = [];
    gestures = 0;
    camera = [];
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });
  const attach = () =>
    attachPressAndHold(canvas as unknown as HTMLCanvasElement, {
      pick: (x, y) => ({ x, y, z: 0 }),
      onLaser: (p) => lasers.push(p),
      onGesture: () => gestures++,
      onHoldStart: () => camera.push('detach'),
      onHoldEnd: () => camera.push('attach'),
    });

  it('switches the laser on after holding still, follows the pointer, and off on release; that release is no tap', () => {
    const h = attach();
    canvas.dispatchEvent(ev('pointerdown', 110, 220));
    expect(gestures).toBe(1);
    vi.advanceTimersByTime(LASER_HOLD_MS - 1);
    expect(lasers).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(camera).toEqual(['detach']);
    expect(lasers).toEqual([{ x: 100, y: 200, z: 0 }]);
    win.dispatchEvent(ev('pointermove', 150, 220));
    expect(lasers.at(-1)).toEqual({ x: 140, y: 200, z: 0 });
    win.dispatchEvent(ev('pointerup', 150, 220));
    expect(lasers.at(-1)).toBeNull();
    expect(camera).toEqual(['detach', 'attach']);
    expect(h.consumeTap()).toBe(true);
    expect(h.consumeTap()).toBe(false);
    h.dispose();
  });
  it('keeps a press that moves first an ordinary drag, and ignores secondary buttons', () => {
    const h = attach();
    canvas.dispatchEvent(ev('pointerdown', 100, 100));
    win.dispatchEvent(ev('pointermove', 120, 100));
    vi.advanceTimersByTime(LASER_HOLD_MS * 2);
    expect(lasers).toEqual([]);
    canvas.dispatchEvent(ev('pointerdown', 100, 100, { button: 2 }));
    vi.advanceTimersByTime(LASER_HOLD_MS * 2);
    expect(lasers).toEqual([]);
    expect(gestures).toBe(2);
    canvas.dispatchEvent(new Event('wheel'));
    expect(gestures).toBe(3);
    h.pressed();
    expect(h.consumeTap()).toBe(false);
    h.dispose();
  });
  it('stops listening when disposed', () => {
    const h = attach();
    h.dispose();
    canvas.dispatchEvent(ev('pointerdown', 100, 100));
    vi.advanceTimersByTime(LASER_HOLD_MS * 2);
    expect(gestures).toBe(0);
    expect(lasers).toEqual([]);
  });
});
