import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type CarbonActivityInputRaw, computeParkCarbon } from '@zcp/model';
import { buildDeclarationReport, type DeclarationReport } from './build-report.js';
import { exampleYearInputs } from './example-year.js';
import type { ReportLang } from './labels.js';

export const GENERATED_AT = new Date('2026-01-15T08:00:00Z');

export function exampleInput(): CarbonActivityInputRaw {
  return JSON.parse(readFileSync(fileURLToPath(new URL('../../../../cli/examples/activity.example.json', import.meta.url)), 'utf8'));
}

/** The CLI example spread over 2025, computed by the engine. */
export function exampleReport(lang: ReportLang = 'zh', base: CarbonActivityInputRaw = exampleInput()): DeclarationReport {
  const inputs = exampleYearInputs(base, 2025);
  return buildDeclarationReport({
    year: computeParkCarbon(inputs.year),
    months: inputs.months.map((m) => computeParkCarbon(m)).reverse(),
    lang,
    generatedAt: GENERATED_AT,
  });
}
