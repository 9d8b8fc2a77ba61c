import { defineStore } from 'pinia';
import { ref } from 'vue';

export type PanelTab = 'details' | 'list' | 'notes';

/** What the user is looking at: the selected asset and the panel tab. */
export const useSelectionStore = defineStore('selection', () => {
  const assetId = ref<string | null>(null);
  const tab = ref<PanelTab>('list');
  /** Bumped when a selection should also move the camera (list picks, not 3D taps). */
  const focusRequest = ref(0);
  /** CSS pixels of the 3D view covered by the phone's bottom sheet (0 on wider screens). */
  const sheetPx = ref(0);

  function select(id: string | null, opts: { focus?: boolean } = {}): void {
    assetId.value = id;
    if (id) tab.value = 'details';
    if (id && opts.focus) focusRequest.value++;
  }

  return { assetId, tab, focusRequest, sheetPx, select };
});
