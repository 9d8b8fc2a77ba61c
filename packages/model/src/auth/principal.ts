import { z } from 'zod';
import { IdSchema } from '../park/schema.js';

/**
 * Who is asking: the identity every door checks (issue 7 verifies it from an OIDC JWT; until
 * then the relay's development identity supplies it). Roles follow docs/SECURITY.md.
 */
export const ROLES = ['platform_admin', 'park_operator', 'enterprise_manager', 'inspector', 'executive_viewer', 'device'] as const;
export type Role = (typeof ROLES)[number];

export const PrincipalSchema = z.object({
  /** Stable subject id (JWT `sub`). */
  sub: z.string().min(1).max(200),
  name: z.string().max(200).default(''),
  role: z.enum(ROLES),
  /** Parks this principal belongs to; `['*']` for platform admins. */
  parkIds: z.array(z.union([IdSchema, z.literal('*')])).default([]),
  /** Enterprises an enterprise-scoped principal acts for; empty = not enterprise-scoped. */
  enterpriseIds: z.array(IdSchema).default([]),
  /** Team shown in presence and used to filter annotations. */
  team: z.string().max(100).optional(),
});
export type Principal = z.infer<typeof PrincipalSchema>;
export type PrincipalInput = z.input<typeof PrincipalSchema>;

export function belongsToPark(p: Principal, parkId: string): boolean {
  return p.parkIds.includes('*') || p.parkIds.includes(parkId);
}

/** Roles that see every enterprise of their park (not enterprise-scoped). */
export function isParkWide(p: Principal): boolean {
  return p.role === 'platform_admin' || p.role === 'park_operator' || p.role === 'executive_viewer' || (p.role === 'inspector' && p.enterpriseIds.length === 0);
}
