/** Month arithmetic on `YYYY-MM` text. */
export const monthIndex = (month: string): number => Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;

/** Months from `from` to `to` inclusive. */
export const monthsInclusive = (from: string, to: string): number => monthIndex(to) - monthIndex(from) + 1;
