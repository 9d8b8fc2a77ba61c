import type { Certificate } from './activity-schema.js';
import { type Dec, dec, ZERO } from './decimal.js';
import { monthIndex } from './months.js';
import { type ParameterSet, parameterValue } from './parameters.js';

export const CERTIFICATE_VIOLATION_CODES = [
  'retired_twice',
  'previously_retired',
  'over_claim',
  'overlaps_direct_supply',
  'expired_vintage',
  'future_vintage',
  'double_allocation',
  'average_factor_with_certificates',
] as const;
export type CertificateViolationCode = (typeof CERTIFICATE_VIOLATION_CODES)[number];

/** A broken certificate safeguard; the certificates named are not applied (except the over-claim, which is capped). */
export interface CertificateViolation {
  rule: string;
  code: CertificateViolationCode;
  certificateIds: string[];
  enterpriseId?: string;
  message: string;
}

export interface CertificateCoverage {
  /** Certified MWh applied at EF 0, at most the enterprise's grid import. */
  coveredMwh: Dec;
  certificateIds: string[];
}

export interface CertificateCheckInput {
  certificates: readonly Certificate[];
  period: { from: string; to: string };
  parameters: ParameterSet;
  /** Grid import MWh per enterprise: what certificates may cover. */
  gridImportMwh: ReadonlyMap<string, Dec>;
  /** Facilities that supply each enterprise directly. */
  directSupplyFacilities: ReadonlyMap<string, ReadonlySet<string>>;
  /** Certificates already retired in earlier periods (from the ledger). */
  previouslyRetired: ReadonlySet<string>;
  /** The park-method electricity factor is a grid AVERAGE (CARB-CERT-7). */
  electricityFactorIsAverage: boolean;
}

export interface CertificateCheck {
  coverage: Map<string, CertificateCoverage>;
  violations: CertificateViolation[];
}

/**
 * Applies the certificate safeguards CARB-CERT-1..7 and returns what each enterprise may
 * claim at EF 0, with every violation naming its certificates.
 */
export function checkCertificates(input: CertificateCheckInput): CertificateCheck {
  const violations: CertificateViolation[] = [];
  const byId = new Map<string, Certificate[]>();
  for (const c of input.certificates) byId.set(c.id, [...(byId.get(c.id) ?? []), c]);

  const accepted: Certificate[] = [];
  for (const [id, copies] of byId) {
    const enterprises = new Set(copies.map((c) => c.enterprise));
    if (enterprises.size > 1) {
      violations.push({
        rule: 'CARB-CERT-5',
        code: 'double_allocation',
        certificateIds: [id],
        message: `certificate ${id} is allocated to ${[...enterprises].sort().join(', ')}; each certificate is allocated once — none of the claims is applied`,
      });
      continue;
    }
    const first = copies[0];
    if (!first) continue;
    if (copies.length > 1) {
      violations.push({
        rule: 'CARB-CERT-1',
        code: 'retired_twice',
        certificateIds: [id],
        enterpriseId: first.enterprise,
        message: `certificate ${id} is claimed ${copies.length} times by ${first.enterprise}; it retires once — applied once`,
      });
    }
    if (input.previouslyRetired.has(id)) {
      violations.push({
        rule: 'CARB-CERT-1',
        code: 'previously_retired',
        certificateIds: [id],
        enterpriseId: first.enterprise,
        message: `certificate ${id} was retired in an earlier period — not applied`,
      });
      continue;
    }
    const validity = parameterValue(input.parameters, first.kind === 'GEC' ? 'cert.validity_months.GEC' : 'cert.validity_months.other').toNumber();
    const vintage = monthIndex(first.vintage);
    if (vintage > monthIndex(input.period.to)) {
      violations.push({
        rule: 'CARB-CERT-4',
        code: 'future_vintage',
        certificateIds: [id],
        enterpriseId: first.enterprise,
        message: `certificate ${id} has vintage ${first.vintage}, after the period — not applied`,
      });
      continue;
    }
    if (vintage + validity <= monthIndex(input.period.from)) {
      violations.push({
        rule: 'CARB-CERT-4',
        code: 'expired_vintage',
        certificateIds: [id],
        enterpriseId: first.enterprise,
        message: `certificate ${id} (vintage ${first.vintage}) expired after ${validity} months, before the period ${input.period.from} — not applied`,
      });
      continue;
    }
    if (first.facilityId && input.directSupplyFacilities.get(first.enterprise)?.has(first.facilityId)) {
      violations.push({
        rule: 'CARB-CERT-3',
        code: 'overlaps_direct_supply',
        certificateIds: [id],
        enterpriseId: first.enterprise,
        message: `certificate ${id} is from facility ${first.facilityId}, which already supplies ${first.enterprise} directly — not applied`,
      });
      continue;
    }
    accepted.push(first);
  }

  if (input.electricityFactorIsAverage && accepted.length > 0) {
    violations.push({
      rule: 'CARB-CERT-7',
      code: 'average_factor_with_certificates',
      certificateIds: accepted.map((c) => c.id).sort(),
      message: 'certificate claims are combined with a grid AVERAGE factor, which already contains the green MWh — certificates not applied',
    });
    accepted.length = 0;
  }

  const coverage = new Map<string, CertificateCoverage>();
  const byEnterprise = new Map<string, Certificate[]>();
  for (const c of accepted) byEnterprise.set(c.enterprise, [...(byEnterprise.get(c.enterprise) ?? []), c]);
  for (const [enterpriseId, certs] of byEnterprise) {
    const claimed = certs.reduce((s, c) => s.plus(dec(c.mwh)), ZERO);
    const eligible = input.gridImportMwh.get(enterpriseId) ?? ZERO;
    const ids = certs.map((c) => c.id).sort();
    if (claimed.gt(eligible)) {
      violations.push({
        rule: 'CARB-CERT-2',
        code: 'over_claim',
        certificateIds: ids,
        enterpriseId,
        message: `${enterpriseId} claims ${claimed.toFixed()} certified MWh against ${eligible.toFixed()} MWh of grid import in the period — capped at ${eligible.toFixed()}`,
      });
    }
    coverage.set(enterpriseId, { coveredMwh: Dec_min(claimed, eligible), certificateIds: ids });
  }
  return { coverage, violations };
}

const Dec_min = (a: Dec, b: Dec): Dec => (a.lt(b) ? a : b);
