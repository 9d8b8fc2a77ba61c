import { onBeforeUnmount, type Ref, ref } from 'vue';

/** A reactive `matchMedia` (e.g. the phone breakpoint). */
export function useMedia(query: string): Ref<boolean> {
  const mql = window.matchMedia(query);
  const matches = ref(mql.matches);
  const update = (e: MediaQueryListEvent) => {
    matches.value = e.matches;
  };
  mql.addEventListener('change', update);
  onBeforeUnmount(() => mql.removeEventListener('change', update));
  return matches;
}

export const PHONE_QUERY = '(max-width: 640px)';
