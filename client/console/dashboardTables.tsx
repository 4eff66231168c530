import {
  type DispositionTable as Dispositions,
  type FieldingStatus,
  formatCount,
  formatPercent,
  GROUP_NAMES,
  GROUPS,
  type ProgressRow,
  RATES,
  strataOf,
} from './dashboardData.js';
import { DataTable } from './ui.js';

/** Column headers: the whole fielding first, then a column per stratum. */
function OverallAndStrata({ first, strata }: { first: string; strata: string[] }) {
  return (
    <thead>
      <tr>
        <th scope="col">{first}</th>
        <th scope="col" className="fk-num">
          All strata
        </th>
        {strata.map((s) => (
          <th key={s} scope="col" className="fk-num">
            {s}
          </th>
        ))}
      </tr>
    </thead>
  );
}

/** Cases by final disposition (rows) and stratum (columns), with totals both ways. */
export function DispositionTable({ table }: { table: Dispositions }) {
  return (
    <DataTable caption="Cases by disposition and stratum">
      <thead>
        <tr>
          <th scope="col">Code</th>
          <th scope="col">Disposition</th>
          <th scope="col">Group</th>
          <th scope="col" className="fk-num">
            Count
          </th>
          {table.strata.map((s) => (
            <th key={s} scope="col" className="fk-num">
              {s}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {table.rows.map((row) => (
          <tr key={row.code}>
            <td>{row.code}</td>
            <th scope="row">{row.label}</th>
            <td>
              <abbr title={GROUP_NAMES[row.group]}>{row.group}</abbr>
            </td>
            <td className="fk-num">{formatCount(row.count)}</td>
            {row.byStratum.map((n, i) => (
              <td key={table.strata[i]} className="fk-num">
                {formatCount(n)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <td />
          <th scope="row">Total</th>
          <td />
          <td className="fk-num">{formatCount(table.totals.count)}</td>
          {table.totals.byStratum.map((n, i) => (
            <td key={table.strata[i]} className="fk-num">
              {formatCount(n)}
            </td>
          ))}
        </tr>
      </tfoot>
    </DataTable>
  );
}

/** The counts the rates are computed from: AAPOR's groups, overall and by stratum. */
export function GroupCountsTable({ status }: { status: FieldingStatus }) {
  return (
    <DataTable caption="Counts by AAPOR group, overall and by stratum">
      <OverallAndStrata first="Group" strata={strataOf(status)} />
      <tbody>
        {GROUPS.map((group) => (
          <tr key={group}>
            <th scope="row">
              {group} <span className="fk-muted">{GROUP_NAMES[group]}</span>
            </th>
            <td className="fk-num">{formatCount(status.overall.counts[group])}</td>
            {status.strata.map((s) => (
              <td key={s.stratum} className="fk-num">
                {formatCount(s.counts[group])}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </DataTable>
  );
}

/** RR1–RR6, COOP1–4, REF1–3 and CON1–3 as percentages, overall and by stratum; "—" has no denominator yet. */
export function RatesTable({ status }: { status: FieldingStatus }) {
  return (
    <DataTable caption="Response, cooperation, refusal and contact rates, overall and by stratum">
      <OverallAndStrata first="Rate" strata={strataOf(status)} />
      <tbody>
        {RATES.map((rate) => (
          <tr key={rate}>
            <th scope="row">{rate}</th>
            <td className="fk-num">{formatPercent(status.overall.rates[rate])}</td>
            {status.strata.map((s) => (
              <td key={s.stratum} className="fk-num">
                {formatPercent(s.rates[rate])}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </DataTable>
  );
}

/** Chart 1's numbers: each day's cumulative completes and RR1, and what was mailed that day. */
export function ProgressTable({ rows }: { rows: ProgressRow[] }) {
  return (
    <DataTable caption="Completes, RR1 and mailings by day">
      <thead>
        <tr>
          <th scope="col">Day (UTC)</th>
          <th scope="col" className="fk-num">
            Completes (cumulative)
          </th>
          <th scope="col" className="fk-num">
            RR1
          </th>
          <th scope="col">Mailings</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.date}>
            <th scope="row" className="fk-nowrap">
              {row.date}
            </th>
            <td className="fk-num">{row.completes === null ? '—' : formatCount(row.completes)}</td>
            <td className="fk-num">{formatPercent(row.rr1)}</td>
            <td>{row.mailings.join(', ')}</td>
          </tr>
        ))}
      </tbody>
    </DataTable>
  );
}

/** Chart 2's numbers: RR1 and RR2 of each stratum, with its cases. */
export function StrataRatesTable({ status }: { status: FieldingStatus }) {
  return (
    <DataTable caption="RR1 and RR2 by stratum">
      <thead>
        <tr>
          <th scope="col">Stratum</th>
          <th scope="col" className="fk-num">
            Cases
          </th>
          <th scope="col" className="fk-num">
            RR1
          </th>
          <th scope="col" className="fk-num">
            RR2
          </th>
        </tr>
      </thead>
      <tbody>
        {status.strata.map((s) => (
          <tr key={s.stratum}>
            <th scope="row">{s.stratum}</th>
            <td className="fk-num">{formatCount(s.cases)}</td>
            <td className="fk-num">{formatPercent(s.rates.RR1)}</td>
            <td className="fk-num">{formatPercent(s.rates.RR2)}</td>
          </tr>
        ))}
      </tbody>
    </DataTable>
  );
}
