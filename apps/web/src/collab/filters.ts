import { type Annotation, type AnnotationCategory, type AnnotationStatus, filterAnnotations } from '@zcp/model';

/** The list panel's filter: empty sets mean "any". */
export interface AnnotationFilterState {
  status: AnnotationStatus[];
  category: AnnotationCategory[];
  team: string[];
}

export const emptyFilter = (): AnnotationFilterState => ({ status: [], category: [], team: [] });

const STATUS_ORDER: Record<AnnotationStatus, number> = { open: 0, in_progress: 1, resolved: 2 };

/**
 * The annotations the list shows: filtered, then open before in progress before resolved,
 * and within a status the most recently changed first.
 */
export function visibleAnnotations(all: readonly Annotation[], f: AnnotationFilterState): Annotation[] {
  const changed = (a: Annotation) => a.edited?.at ?? a.created.at;
  return filterAnnotations(all, f).sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || changed(b) - changed(a) || a.id.localeCompare(b.id));
}

/** Teams to offer in the filter: those used by annotations plus the given ones, each once, sorted. */
export function teamOptions(all: readonly Annotation[], extra: readonly string[] = []): string[] {
  const s = new Set(extra.filter(Boolean));
  for (const a of all) if (a.team) s.add(a.team);
  return [...s].sort((a, b) => a.localeCompare(b, 'zh-CN'));
}

/** Adds `v` to a filter list, or removes it when present (chip toggles). */
export function toggled<T>(list: readonly T[], v: T): T[] {
  return list.includes(v) ? list.filter((x) => x !== v) : [...list, v];
}

/** How many annotations have each status (for the filter chips' counts). */
export function countByStatus(all: readonly Annotation[]): Record<AnnotationStatus, number> {
  const out: Record<AnnotationStatus, number> = { open: 0, in_progress: 0, resolved: 0 };
  for (const a of all) out[a.status]++;
  return out;
}

/** Whether a due date (YYYY-MM-DD) has passed on `today` (YYYY-MM-DD) for a not-yet-resolved annotation. */
export function isOverdue(a: Pick<Annotation, 'due' | 'status'>, today: string): boolean {
  return !!a.due && a.status !== 'resolved' && a.due < today;
}
