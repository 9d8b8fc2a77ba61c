/**
 * How this person appears in presence: the signed-in principal's subject, and a display name and
 * team that start from the principal's and can be changed (kept in localStorage). Who may do
 * what is decided by the relay from the verified session token, never from this.
 */
export interface Identity {
  /** The signed-in principal's subject (a random id only before sign-in data is known). */
  sub: string;
  name: string;
  team: string;
}

export const IDENTITY_STORAGE_KEY = 'zcp.identity';

/** Teams offered in the chooser (anyone may type another). */
export const DEFAULT_TEAMS = ['运维', '安全', '能源', '设备', '企业'] as const;

const ADJECTIVES = ['青', '蓝', '绿', '金', '银', '赤', '白', '紫'];
const ANIMALS = ['鹭', '鹤', '燕', '鹿', '松', '竹', '鲸', '隼'];

export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** A readable default name, e.g. "访客·青鹭", from a random source (injected for tests). */
export function generatedName(random: () => number): string {
  const pick = (xs: readonly string[]) => xs[Math.floor(random() * xs.length) % xs.length] as string;
  return `访客·${pick(ADJECTIVES)}${pick(ANIMALS)}`;
}

/** The identity saved in `storage`, or a new one (saved) when there is none or it is unreadable. */
export function loadIdentity(storage: KeyValueStore | null, random: () => number, newId: () => string): Identity {
  try {
    const raw = storage?.getItem(IDENTITY_STORAGE_KEY);
    if (raw) {
      const v = JSON.parse(raw) as Partial<Identity>;
      if (typeof v.sub === 'string' && v.sub && typeof v.name === 'string' && typeof v.team === 'string')
        return { sub: v.sub, name: v.name.slice(0, 60) || generatedName(random), team: v.team.slice(0, 40) };
    }
  } catch {
    // corrupt entry: start afresh below
  }
  const id: Identity = { sub: `dev-${newId()}`, name: generatedName(random), team: DEFAULT_TEAMS[0] };
  saveIdentity(storage, id);
  return id;
}

export function saveIdentity(storage: KeyValueStore | null, id: Identity): void {
  try {
    storage?.setItem(IDENTITY_STORAGE_KEY, JSON.stringify(id));
  } catch {
    // storage disabled (private mode): the identity lasts for this visit
  }
}

/** Team colours: well apart in hue, readable on the dark UI. */
const TEAM_PALETTE = ['#22c55e', '#3b82f6', '#f97316', '#e11d48', '#a855f7', '#14b8a6', '#eab308', '#ec4899'];
const FIXED_TEAM_COLOUR: Record<string, string> = { 运维: '#22c55e', 安全: '#e11d48', 能源: '#eab308', 设备: '#3b82f6', 企业: '#a855f7' };

/** A team's colour: fixed for the default teams, else from a hash of the name (same in every browser). */
export function teamColour(team: string | undefined): string {
  if (!team) return '#94a3b8';
  const fixed = FIXED_TEAM_COLOUR[team];
  if (fixed) return fixed;
  let h = 2166136261;
  for (const ch of team) h = Math.imul(h ^ (ch.codePointAt(0) ?? 0), 16777619);
  return TEAM_PALETTE[(h >>> 0) % TEAM_PALETTE.length] as string;
}
