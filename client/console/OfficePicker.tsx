import { useEffect, useId, useState } from 'react';
import { api } from './api.js';
import { useLoad } from './useLoad.js';

/** Offices shown at once; a national frame has ~2,300, so the rest are found by typing part of a name. */
const SHOWN = 50;

/**
 * Which real office a preview is rendered for: a search over the fielding's offices (on the
 * server, by name) and a choice among the matches; '' leaves it to the server (the first office
 * with a contact mail can reach).
 */
export function OfficePicker({
  fielding,
  value,
  onChange,
}: {
  fielding: string;
  value: string;
  onChange: (officeId: string) => void;
}) {
  const id = useId();
  const [query, setQuery] = useState('');
  const [applied, setApplied] = useState('');
  // Ask the server once typing pauses, not at every key.
  useEffect(() => {
    const timer = setTimeout(() => setApplied(query.trim()), 300);
    return () => clearTimeout(timer);
  }, [query]);
  const found = useLoad(
    () => api.cases(fielding, { pageSize: String(SHOWN), ...(applied ? { q: applied } : {}) }),
    [fielding, applied],
  );
  const offices = found.value?.cases ?? [];
  const [chosenName, setChosenName] = useState('');
  return (
    <div className="fk-office-picker">
      <div className="fk-field">
        <label htmlFor={`${id}-q`}>Find an office</label>
        <input
          id={`${id}-q`}
          type="search"
          autoComplete="off"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          aria-describedby={`${id}-count`}
        />
        <p className="fk-hint" id={`${id}-count`}>
          {found.error ??
            (found.value
              ? `${found.value.total.toLocaleString('en-US')} matching; the first ${Math.min(SHOWN, found.value.total)} are offered below.`
              : 'Loading the offices…')}
        </p>
      </div>
      <div className="fk-field">
        <label htmlFor={`${id}-office`}>Preview for</label>
        <select
          id={`${id}-office`}
          value={value}
          onChange={(e) => {
            onChange(e.target.value);
            setChosenName(e.target.selectedOptions[0]?.text ?? '');
          }}
        >
          <option value="">The first office with a contact</option>
          {/* The office chosen earlier stays choosable when a new search no longer finds it. */}
          {value && !offices.some((o) => o.officeId === value) ? <option value={value}>{chosenName}</option> : null}
          {offices.map((o) => (
            <option key={o.id} value={o.officeId}>
              {o.officeName} ({o.officeId})
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}
