/**
 * AAPOR Standard Definitions (2016, unchanged in 2023): outcome rates from counts of final
 * dispositions. Pure arithmetic, no I/O, so a fixture of counts with hand-computed fractions
 * proves it (test/fieldwork/rates.test.ts).
 */

import { type Group, RATE_NAMES, type RateName } from '../contracts/fieldwork.js';

export type GroupCounts = Record<Group, number>;
/** null where the denominator is 0: "no rate yet", never NaN or Infinity. */
export type Rates = Record<RateName, number | null>;

export type EligibilityEstimate = {
  value: number;
  method: 'default' | 'setting';
  explanation: string;
};

export const emptyCounts = (): GroupCounts => ({ I: 0, P: 0, R: 0, NC: 0, O: 0, UH: 0, UO: 0, NE: 0 });

/**
 * The group of a final disposition code ('1.1', '2.11', '3.30', '4.10' ...). The code's first
 * digit after the point decides (2.1x refusals and break-offs, 2.2x non-contacts ...), so finer
 * codes a later issue adds fall into their AAPOR group without a change here.
 */
export function groupOf(code: string): Group {
  const match = /^([1-4])\.(\d)\d*$/.exec(code);
  if (!match) throw new Error(`"${code}" is not an AAPOR final disposition code`);
  const major = Number(match[1]);
  const minor = Number(match[2]);
  if (major === 1 && minor === 1) return 'I';
  if (major === 1 && minor === 2) return 'P';
  if (major === 2 && minor === 1) return 'R';
  if (major === 2 && minor === 2) return 'NC';
  if (major === 2 && minor >= 3) return 'O';
  if (major === 3 && minor === 1) return 'UH';
  if (major === 3 && minor >= 2) return 'UO';
  if (major === 4) return 'NE';
  throw new Error(`"${code}" is not an AAPOR final disposition code`);
}

const share = (numerator: number, denominator: number) => (denominator > 0 ? numerator / denominator : null);

/**
 * AAPOR's e: the share of the cases of unknown eligibility (UH, UO) taken to be eligible. The
 * default is the eligible share among the cases whose eligibility is known, (I+P+R+NC+O) /
 * (I+P+R+NC+O+NE); a staff setting (fielding_mail_settings.eligibility_estimate) overrides it,
 * e.g. from a previous wave or a screening of a sample of the unknowns.
 */
export function estimateEligibility(counts: GroupCounts, setting?: number | null): EligibilityEstimate {
  const eligible = counts.I + counts.P + counts.R + counts.NC + counts.O;
  const resolved = eligible + counts.NE;
  const fallback =
    resolved > 0
      ? `the default would be ${eligible} eligible / ${resolved} resolved cases`
      : 'the default cannot be estimated yet: no case has a known eligibility';
  if (setting !== undefined && setting !== null) {
    if (!(setting >= 0 && setting <= 1)) throw new Error(`the eligibility estimate must be 0..1, not ${setting}`);
    return {
      value: setting,
      method: 'setting',
      explanation: `e = ${setting} (set by staff for this fielding; ${fallback})`,
    };
  }
  if (resolved === 0) {
    return {
      value: 1,
      method: 'default',
      explanation:
        'e = 1: no case has a known eligibility yet (none resolved), so every case of unknown eligibility is counted as eligible (RR3 = RR1 until cases are resolved)',
    };
  }
  return {
    value: eligible / resolved,
    method: 'default',
    explanation: `e = ${eligible} eligible / ${resolved} resolved cases (AAPOR default: eligible share among cases of known eligibility)`,
  };
}

export type Fraction = { numerator: number; denominator: number };

/**
 * Every rate of the Standard Definitions as numerator and denominator, from the group counts and
 * e (the denominators with e(UH+UO) are fractional); NE leaves every denominator.
 */
export function rateFractions(counts: GroupCounts, e: number): Record<RateName, Fraction> {
  const { I, P, R, NC, O, UH, UO } = counts;
  const interviews = I + P;
  const nonInterviews = R + NC + O;
  const unknown = UH + UO;
  const all = interviews + nonInterviews + unknown;
  const estimated = interviews + nonInterviews + e * unknown;
  const known = interviews + nonInterviews;
  const contacted = interviews + R + O;
  const f = (numerator: number, denominator: number): Fraction => ({ numerator, denominator });
  return {
    RR1: f(I, all),
    RR2: f(interviews, all),
    RR3: f(I, estimated),
    RR4: f(interviews, estimated),
    RR5: f(I, known),
    RR6: f(interviews, known),
    COOP1: f(I, interviews + R + O),
    COOP2: f(interviews, interviews + R + O),
    COOP3: f(I, interviews + R),
    COOP4: f(interviews, interviews + R),
    REF1: f(R, all),
    REF2: f(R, estimated),
    REF3: f(R, known),
    CON1: f(contacted, contacted + NC + unknown),
    CON2: f(contacted, contacted + NC + e * unknown),
    CON3: f(contacted, contacted + NC),
  };
}

/** Every rate as a share; null where the denominator is 0. */
export function computeRates(counts: GroupCounts, e: number): Rates {
  const fractions = rateFractions(counts, e);
  return Object.fromEntries(
    RATE_NAMES.map((name) => [name, share(fractions[name].numerator, fractions[name].denominator)]),
  ) as Rates;
}

/** Counts per group from counts per disposition code. */
export function groupCounts(byCode: Iterable<readonly [string, number]>): GroupCounts {
  const counts = emptyCounts();
  for (const [code, n] of byCode) counts[groupOf(code)] += n;
  return counts;
}
