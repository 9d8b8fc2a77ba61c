import type { Matrix } from './babylon.js';
import { Vector3 } from './babylon.js';
import type { XYZ } from './coords.js';

export interface LabelSpec {
  id: string;
  text: string;
  world: XYZ;
  colorHex?: string;
  /** Lower draws first and wins overlaps. */
  priority: number;
}

export interface LabelLayer {
  setLabels(labels: LabelSpec[]): void;
  /** Re-projects all labels with the scene's view-projection matrix; hides overlaps. */
  update(viewProjection: Matrix, widthPx: number, heightPx: number): void;
  dispose(): void;
}

/**
 * Site labels as HTML over the canvas: crisp at any DPI, real fonts for Chinese, and
 * selectable by tests. A handful of labels, re-projected only when the view changes.
 */
export function createLabelLayer(container: HTMLElement): LabelLayer {
  let items: { spec: LabelSpec; el: HTMLDivElement; world: Vector3 }[] = [];
  const tmp = new Vector3();

  const setLabels = (labels: LabelSpec[]) => {
    for (const i of items) i.el.remove();
    items = [...labels]
      .sort((a, b) => a.priority - b.priority)
      .map((spec) => {
        const el = document.createElement('div');
        el.className = 'twin-label';
        el.dataset.labelId = spec.id;
        if (spec.colorHex) el.style.setProperty('--dot', spec.colorHex);
        el.textContent = spec.text;
        container.appendChild(el);
        return { spec, el, world: new Vector3(spec.world.x, spec.world.y, spec.world.z) };
      });
  };

  const update = (vp: Matrix, width: number, height: number) => {
    const placed: { x0: number; y0: number; x1: number; y1: number }[] = [];
    for (const { el, world } of items) {
      Vector3.TransformCoordinatesToRef(world, vp, tmp);
      const x = ((tmp.x + 1) / 2) * width;
      const y = ((1 - tmp.y) / 2) * height;
      const w = el.offsetWidth;
      const h = el.offsetHeight;
      const box = { x0: x - w / 2 - 2, y0: y - h - 2, x1: x + w / 2 + 2, y1: y + 2 };
      const visible =
        tmp.z > 0 &&
        tmp.z < 1 &&
        x > 0 &&
        x < width &&
        y > h &&
        y < height &&
        !placed.some((p) => p.x0 < box.x1 && box.x0 < p.x1 && p.y0 < box.y1 && box.y0 < p.y1);
      el.style.visibility = visible ? 'visible' : 'hidden';
      if (!visible) continue;
      placed.push(box);
      el.style.transform = `translate(${Math.round(x - w / 2)}px, ${Math.round(y - h)}px)`;
    }
  };

  return {
    setLabels,
    update,
    dispose: () => {
      for (const i of items) i.el.remove();
      items = [];
    },
  };
}
