export const MS_PER_SECOND = 1000;
export const MS_PER_MINUTE = 60_000;
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;

export interface LocalTime {
  /** Fractional hour of the local day, 0 ≤ h < 24. */
  hour: number;
  /** 0 = Sunday … 6 = Saturday. */
  dayOfWeek: number;
  weekend: boolean;
  /** 1 = 1 January. */
  dayOfYear: number;
}

/**
 * Local standard time of a park (fixed UTC offset, no daylight saving: China has none, and
 * shift clocks in plants follow standard time anyway).
 */
export function localTime(tMs: number, utcOffsetH: number): LocalTime {
  const localMs = tMs + utcOffsetH * MS_PER_HOUR;
  const dayIndex = Math.floor(localMs / MS_PER_DAY);
  const hour = (localMs - dayIndex * MS_PER_DAY) / MS_PER_HOUR;
  // 1970-01-01 was a Thursday (4).
  const dayOfWeek = (((dayIndex + 4) % 7) + 7) % 7;
  const date = new Date(localMs);
  const yearStart = Date.UTC(date.getUTCFullYear(), 0, 1);
  const dayOfYear = Math.floor((localMs - yearStart) / MS_PER_DAY) + 1;
  return { hour, dayOfWeek, weekend: dayOfWeek === 0 || dayOfWeek === 6, dayOfYear };
}
