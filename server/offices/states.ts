/**
 * The 50 states and DC with their FIPS codes and Census regions (DC counts as South, as the Census
 * Bureau places it). Territories are out of scope for the study's frame.
 */

export type CensusRegion = 'Northeast' | 'Midwest' | 'South' | 'West';
export type StateInfo = Readonly<{ fips: number; name: string; region: CensusRegion }>;

export const STATES = {
  AL: { fips: 1, name: 'Alabama', region: 'South' },
  AK: { fips: 2, name: 'Alaska', region: 'West' },
  AZ: { fips: 4, name: 'Arizona', region: 'West' },
  AR: { fips: 5, name: 'Arkansas', region: 'South' },
  CA: { fips: 6, name: 'California', region: 'West' },
  CO: { fips: 8, name: 'Colorado', region: 'West' },
  CT: { fips: 9, name: 'Connecticut', region: 'Northeast' },
  DE: { fips: 10, name: 'Delaware', region: 'South' },
  DC: { fips: 11, name: 'District of Columbia', region: 'South' },
  FL: { fips: 12, name: 'Florida', region: 'South' },
  GA: { fips: 13, name: 'Georgia', region: 'South' },
  HI: { fips: 15, name: 'Hawaii', region: 'West' },
  ID: { fips: 16, name: 'Idaho', region: 'West' },
  IL: { fips: 17, name: 'Illinois', region: 'Midwest' },
  IN: { fips: 18, name: 'Indiana', region: 'Midwest' },
  IA: { fips: 19, name: 'Iowa', region: 'Midwest' },
  KS: { fips: 20, name: 'Kansas', region: 'Midwest' },
  KY: { fips: 21, name: 'Kentucky', region: 'South' },
  LA: { fips: 22, name: 'Louisiana', region: 'South' },
  ME: { fips: 23, name: 'Maine', region: 'Northeast' },
  MD: { fips: 24, name: 'Maryland', region: 'South' },
  MA: { fips: 25, name: 'Massachusetts', region: 'Northeast' },
  MI: { fips: 26, name: 'Michigan', region: 'Midwest' },
  MN: { fips: 27, name: 'Minnesota', region: 'Midwest' },
  MS: { fips: 28, name: 'Mississippi', region: 'South' },
  MO: { fips: 29, name: 'Missouri', region: 'Midwest' },
  MT: { fips: 30, name: 'Montana', region: 'West' },
  NE: { fips: 31, name: 'Nebraska', region: 'Midwest' },
  NV: { fips: 32, name: 'Nevada', region: 'West' },
  NH: { fips: 33, name: 'New Hampshire', region: 'Northeast' },
  NJ: { fips: 34, name: 'New Jersey', region: 'Northeast' },
  NM: { fips: 35, name: 'New Mexico', region: 'West' },
  NY: { fips: 36, name: 'New York', region: 'Northeast' },
  NC: { fips: 37, name: 'North Carolina', region: 'South' },
  ND: { fips: 38, name: 'North Dakota', region: 'Midwest' },
  OH: { fips: 39, name: 'Ohio', region: 'Midwest' },
  OK: { fips: 40, name: 'Oklahoma', region: 'South' },
  OR: { fips: 41, name: 'Oregon', region: 'West' },
  PA: { fips: 42, name: 'Pennsylvania', region: 'Northeast' },
  RI: { fips: 44, name: 'Rhode Island', region: 'Northeast' },
  SC: { fips: 45, name: 'South Carolina', region: 'South' },
  SD: { fips: 46, name: 'South Dakota', region: 'Midwest' },
  TN: { fips: 47, name: 'Tennessee', region: 'South' },
  TX: { fips: 48, name: 'Texas', region: 'South' },
  UT: { fips: 49, name: 'Utah', region: 'West' },
  VT: { fips: 50, name: 'Vermont', region: 'Northeast' },
  VA: { fips: 51, name: 'Virginia', region: 'South' },
  WA: { fips: 53, name: 'Washington', region: 'West' },
  WV: { fips: 54, name: 'West Virginia', region: 'South' },
  WI: { fips: 55, name: 'Wisconsin', region: 'Midwest' },
  WY: { fips: 56, name: 'Wyoming', region: 'West' },
} as const satisfies Record<string, StateInfo>;

export type StateCode = keyof typeof STATES;

/** In FIPS order. */
export const STATE_CODES = Object.keys(STATES) as StateCode[];

export function isStateCode(value: string): value is StateCode {
  return Object.hasOwn(STATES, value);
}

export function stateFips(code: StateCode): number {
  return STATES[code].fips;
}
