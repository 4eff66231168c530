import { parseFrame } from '../../server/offices/frame.js';
import { generateFrame } from '../../test/factories/frame.js';

/**
 * The synthetic national frame (~2,300 offices, seed 7) as parsed offices and as the frame rows
 * `seedFielding` takes, for benchmarks that need a fielding of the study's size.
 */
export function nationalFrame() {
  const frame = parseFrame(Buffer.from(generateFrame({ seed: 7 })));
  if (!frame.ok) throw new Error('the synthetic frame has problems');
  const rows = frame.offices.map((o) => ({
    ...Object.fromEntries(Object.entries(o).filter(([, v]) => typeof v === 'string')),
    population: String(o.population),
    contact_name: o.contact_name,
    contact_email: o.contact_email,
  })) as Record<string, string>[];
  return { offices: frame.offices, rows };
}
