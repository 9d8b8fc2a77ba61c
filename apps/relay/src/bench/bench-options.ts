/**
 * Command-line flags of `npm run bench:ingest` (see bench-ingest.ts for what they mean),
 * parsed with node:util parseArgs and validated once with zod.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';

/** Accepts `12000000`, `12_000_000`, `12,000,000` and `12e6`. */
const count = (min: number, max: number) =>
  z.preprocess((v) => (typeof v === 'string' ? Number(v.replaceAll(/[_,]/g, '')) : v), z.number().int().min(min).max(max));

const OptionsSchema = z.object({
  readings: count(1, 1_000_000_000).default(12_000_000),
  points: count(1, 1_000_000).default(20_000),
  /** Offered readings/s; 0 = as fast as the in-flight window allows. */
  rate: count(0, 100_000_000).default(200_000),
  perMessage: count(1, 100_000).default(200),
  relays: count(1, 16).default(1),
  inFlight: count(1, 100_000).default(256),
  /** Give up waiting for the relays when nothing was stored for this long. */
  stallS: count(1, 3600).default(30),
  keep: z.boolean().default(false),
  help: z.boolean().default(false),
});
export type BenchOptions = z.infer<typeof OptionsSchema>;

export class BenchUsageError extends Error {
  readonly code = 'bench_usage';
}

export const USAGE = `usage: npm run bench:ingest -- [--readings N] [--points N] [--rate N] [--per-message N]
                            [--relays N] [--in-flight N] [--stall-s N] [--keep]
  --readings     readings to send (default 12,000,000; rounded up to whole rounds of every point)
  --points       at least this many points in the generated park (default 20,000)
  --rate         offered readings/s (default 200,000; 0 = as fast as flow control allows)
  --per-message  readings per NATS message, about (default 200)
  --relays       relay processes sharing the durable consumer (default 1)
  --in-flight    publishes awaiting their JetStream ack at once (default 256)
  --stall-s      give up draining when nothing was stored for this long (default 30)
  --keep         keep the database, stream and park file for inspection`;

/** Parses and validates argv (without the node and script paths). Throws BenchUsageError. */
export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        readings: { type: 'string' },
        points: { type: 'string' },
        rate: { type: 'string' },
        'per-message': { type: 'string' },
        relays: { type: 'string' },
        'in-flight': { type: 'string' },
        'stall-s': { type: 'string' },
        keep: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    throw new BenchUsageError(`${(e as Error).message}\n${USAGE}`);
  }
  const parsed = OptionsSchema.safeParse({
    readings: values.readings,
    points: values.points,
    rate: values.rate,
    perMessage: values['per-message'],
    relays: values.relays,
    inFlight: values['in-flight'],
    stallS: values['stall-s'],
    keep: values.keep,
    help: values.help,
  });
  if (!parsed.success) {
    const names: Record<string, string> = { perMessage: 'per-message', inFlight: 'in-flight', stallS: 'stall-s' };
    const issues = parsed.error.issues.map((i) => `--${names[String(i.path[0])] ?? String(i.path[0])}: ${i.message}`);
    throw new BenchUsageError(`${issues.join('\n')}\n${USAGE}`);
  }
  return parsed.data;
}
