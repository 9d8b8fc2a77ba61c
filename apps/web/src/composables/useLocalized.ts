import type { LocalizedText } from '@zcp/model';
import { useI18n } from 'vue-i18n';

/** Picks the zh or en side of model text for the current UI language. */
export function useLocalized() {
  const { locale } = useI18n();
  const lt = (text: LocalizedText | null | undefined): string => (text ? (locale.value === 'en' ? text.en : text.zh) : '');
  return { lt, locale };
}
