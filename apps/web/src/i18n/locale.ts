export const LOCALES = ['zh-CN', 'en'] as const;
export type AppLocale = (typeof LOCALES)[number];
export const LOCALE_STORAGE_KEY = 'zcp.locale';

const isLocale = (v: unknown): v is AppLocale => typeof v === 'string' && (LOCALES as readonly string[]).includes(v);

/**
 * The saved choice wins; otherwise English when the browser's first language is English,
 * else Chinese (the product's default).
 *
 * @example
 * pickLocale(null, ['en-GB', 'zh-CN']) // 'en'
 */
export function pickLocale(stored: string | null, languages: readonly string[]): AppLocale {
  if (isLocale(stored)) return stored;
  const first = languages[0]?.toLowerCase() ?? '';
  return first === 'en' || first.startsWith('en-') ? 'en' : 'zh-CN';
}
