import { useMemo, useState } from 'react';
import { api } from './api.js';
import { ChartFigure } from './charts.js';
import {
  dispositionTable,
  type FieldingStatus,
  formatCount,
  formatPercent,
  progressChart,
  progressRows,
  progressSummary,
  strataChart,
  strataSummary,
} from './dashboardData.js';
import { DispositionTable, GroupCountsTable, ProgressTable, RatesTable, StrataRatesTable } from './dashboardTables.js';
import { saveFile } from './download.js';
import { PageTitle } from './Layout.js';
import { casesPath } from './pages.js';
import { Link } from './router.js';
import { failureMessage, useSession } from './session.js';
import { BusyButton, formatTime, useAnnounce } from './ui.js';
import { useLoad } from './useLoad.js';
import './dashboard.css';

/** One fielding's progress: dispositions, AAPOR rates, completes and RR1 by day, rates by stratum. */
export function DashboardPage({ fielding }: { fielding: string }) {
  const { value, error, reload } = useLoad(() => api.fieldingStatus(fielding), [fielding]);
  return (
    <>
      <PageTitle title={`Dashboard of ${fielding}`} />
      <p className="fk-actions-row">
        <Link to="/fieldings">Back to the fieldings</Link>
        <Link to={casesPath(fielding)}>Cases of {fielding}</Link>
      </p>
      {error ? <p className="fk-alert">{error}</p> : null}
      {!value && !error ? <p>Loading…</p> : null}
      {value ? <Dashboard status={value} onRefresh={reload} /> : null}
    </>
  );
}

function Dashboard({ status, onRefresh }: { status: FieldingStatus; onRefresh: () => void }) {
  const table = useMemo(() => dispositionTable(status), [status]);
  const rr1 = status.overall.rates.RR1;
  return (
    <>
      <dl className="fk-facts">
        <div>
          <dt>As of</dt>
          <dd>{formatTime(status.asOf)}</dd>
        </div>
        <div>
          <dt>Cases</dt>
          <dd>{formatCount(status.cases)}</dd>
        </div>
        <div>
          <dt>Completes (I)</dt>
          <dd>{formatCount(status.overall.counts.I)}</dd>
        </div>
        <div>
          <dt>
            <abbr title="AAPOR response rate 1: completes among all eligible and possibly eligible cases">RR1</abbr>
          </dt>
          <dd data-testid="overall-rr1">{formatPercent(rr1)}</dd>
        </div>
      </dl>
      <div className="fk-actions-row">
        <CaseListButton fielding={status.fielding} />
        <button type="button" onClick={onRefresh}>
          Refresh
        </button>
      </div>

      <h2>Dispositions</h2>
      <DispositionTable table={table} />

      <h2>Response rates</h2>
      <RatesTable status={status} />
      <p>
        <strong>e = {status.e.value.toFixed(3)}</strong>{' '}
        {status.e.method === 'setting' ? '(set for this fielding)' : '(AAPOR default estimate)'}: {status.e.explanation}{' '}
        It weights the cases of unknown eligibility in RR3, RR4, REF2 and CON2.
      </p>
      <GroupCountsTable status={status} />

      <h2>Progress by day</h2>
      <ProgressFigure status={status} />

      <h2>Response rates by stratum</h2>
      <StrataFigure status={status} />
    </>
  );
}

function ProgressFigure({ status }: { status: FieldingStatus }) {
  const drawing = useMemo(() => ({ kind: 'progress' as const, chart: progressChart(status) }), [status]);
  const rows = useMemo(() => progressRows(status), [status]);
  return (
    <ChartFigure
      caption="Cumulative completes and RR1 by day, with the invitation and reminder dates"
      drawing={drawing}
      summary={progressSummary(status)}
      keyEntries={[
        { swatch: 'solid', text: 'Solid line: completes (cumulative), left axis' },
        { swatch: 'dashed', text: 'Dashed line: RR1, right axis' },
        {
          swatch: 'marker',
          text: drawing.chart.markers.length
            ? `Dotted vertical lines: ${drawing.chart.markers.map((m) => `${m.labels.join(', ')} (${m.date})`).join('; ')}`
            : 'No invitations or reminders sent yet',
        },
      ]}
      table={
        rows.length === 0 ? (
          <p>No days to show yet: the chart starts on the day of the first invitation.</p>
        ) : (
          // A month fits on a screen; a long field period's table (up to 400 days) is opened on request.
          <details className="fk-chart-table" open={rows.length <= 31}>
            <summary>
              Table of the chart: {formatCount(rows.length)} {rows.length === 1 ? 'day' : 'days'}
            </summary>
            <ProgressTable rows={rows} />
          </details>
        )
      }
    />
  );
}

function StrataFigure({ status }: { status: FieldingStatus }) {
  const drawing = useMemo(() => ({ kind: 'strata' as const, chart: strataChart(status) }), [status]);
  return (
    <ChartFigure
      caption="RR1 and RR2 by stratum"
      drawing={drawing}
      summary={strataSummary(status)}
      keyEntries={[
        { swatch: 'bar-first', text: 'Left bar of each stratum: RR1' },
        { swatch: 'bar-second', text: 'Right bar of each stratum: RR2 (partials count as responses)' },
      ]}
      table={<StrataRatesTable status={status} />}
    />
  );
}

/** Fetches the case list with dispositions (cases.csv) and saves it in one click. */
function CaseListButton({ fielding }: { fielding: string }) {
  const session = useSession();
  const announce = useAnnounce();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const download = async () => {
    setBusy(true);
    setError(undefined);
    const result = await api.caseList(fielding);
    setBusy(false);
    if (result.ok) {
      saveFile(result.value.blob, result.value.filename);
      announce(`The case list of ${fielding} is downloaded as ${result.value.filename}.`);
    } else {
      const message = failureMessage(result.failure, session);
      setError(message);
      announce(message);
    }
  };
  return (
    <>
      <BusyButton onClick={download} busy={busy} aria-describedby={error ? 'case-list-error' : undefined}>
        {busy ? 'Preparing the case list…' : 'Download case list (CSV)'}
      </BusyButton>
      {error ? (
        <p className="fk-field-error" id="case-list-error">
          {error}
        </p>
      ) : null}
    </>
  );
}
