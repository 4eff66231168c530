/**
 * What an export's codebook says about the data it describes, beside the variables' definitions:
 * labelled frequencies, summaries of numbers, and the sampling design. The export computes them
 * (server/exports/frequencies.ts); the codebook renders them, so the types live here, below both.
 */

/**
 * A count as a codebook shows it: the number, or in a public-use file "< k" for a count of 1 to
 * k - 1, and "withheld" for a second count hidden with a lone small one (so that it does not follow
 * from the total), which may be k or more.
 */
export type Count = number | `< ${number}` | 'withheld';

/** One row of a frequency table: a labelled code, an unlabelled value found in the data, or a missing code. */
export type FrequencyRow = {
  code: number;
  label: string;
  missing: boolean;
  n: Count;
  /** Of all rows; null where the count is withheld. */
  percent: number | null;
  /** Of the rows holding a valid (non-missing) value; null for a missing code. */
  validPercent: number | null;
  /** With a weight: the sum of the weights of the rows holding the code. */
  weightedN?: number | null;
  /** Of the sum of all rows' weights, i.e. of the completes: partials weigh 0. */
  weightedPercent?: number | null;
  /** Of the sum of the weights of the rows holding a valid value. */
  weightedValidPercent?: number | null;
};

/** A numeric variable with value labels: a frequency table. */
export type CategoricalStatistics = { kind: 'categorical'; rows: number; valid: Count; frequencies: FrequencyRow[] };

/** A number without value labels: n, mean, SD (n - 1 in the denominator), min and max of the valid values. */
export type NumberStatistics = {
  kind: 'number';
  rows: number;
  n: Count;
  mean: number | null;
  sd: number | null;
  min: number | null;
  max: number | null;
  /** With a weight: the mean weighted by it (over the rows of positive weight, the completes). */
  weightedMean?: number | null;
  missing: FrequencyRow[];
};

/** A date-time: the first and last moment (ISO 8601, UTC); a mean of moments says little. */
export type DateTimeStatistics = {
  kind: 'datetime';
  rows: number;
  n: Count;
  min: string | null;
  max: string | null;
  missing: FrequencyRow[];
};

/** A text: how many rows hold one; the texts themselves are the data's, not the codebook's. */
export type TextStatistics = { kind: 'text'; rows: number; n: Count; missing: FrequencyRow[] };

/** A row's key (case_id, an entry's number): one value per row, whose mean would mean nothing. */
export type KeyStatistics = { kind: 'key'; rows: number; n: Count; missing: [] };

export type VariableStatistics =
  | CategoricalStatistics
  | NumberStatistics
  | DateTimeStatistics
  | TextStatistics
  | KeyStatistics;

export type CodebookStatistics = {
  rows: number;
  /** The weight column the weighted figures use, and what its sum means. */
  weight: { variable: string; total: number; note: string } | null;
  /** In a public-use file: the k below which a count is withheld. */
  suppression: { k: number; note: string } | null;
  variables: Record<string, VariableStatistics>;
};

/** One stratum of the design, from the data's own rows; a figure is absent when its column is. */
export type DesignStratum = {
  code?: number;
  label: string;
  frameN?: number;
  completes?: Count;
  wt_nr?: number | null;
};

/** The "Weights and design" section: what each design column means and how to declare the design. */
export type DesignSummary = {
  /** The design columns the table has, each with its meaning. */
  columns: { name: string; meaning: string }[];
  /** How to declare the design in a survey package, and the bundle's files that do it. */
  declaration: string;
  files: string[];
  strata: DesignStratum[];
};

/** A variable that is one item of a question several variables share (a grid's row, a multi-select's choice). */
export type GroupedVariable = {
  name: string;
  item?: string;
  group?: { name: string; label: string; kind: 'multi' | 'grid' };
};
