import { createI18n } from 'vue-i18n';
import { type AppLocale, LOCALE_STORAGE_KEY, pickLocale } from './locale.js';
import { type Messages, messages } from './messages.js';

function readStored(): string | null {
  try {
    return localStorage.getItem(LOCALE_STORAGE_KEY);
  } catch {
    return null; // storage disabled (private mode): fall back to the browser language
  }
}

export const i18n = createI18n<[Messages], AppLocale, false>({
  legacy: false,
  locale: pickLocale(readStored(), navigator.languages ?? [navigator.language]),
  fallbackLocale: 'zh-CN',
  messages,
});

/** Switches the UI language, remembers it and tells the document (screen readers, fonts). */
export function setLocale(locale: AppLocale): void {
  i18n.global.locale.value = locale;
  document.documentElement.lang = locale;
  try {
    localStorage.setItem(LOCALE_STORAGE_KEY, locale);
  } catch {
    // not persisted; the choice still applies for this visit
  }
}

export { type AppLocale, LOCALES } from './locale.js';
