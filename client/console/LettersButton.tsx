import { useEffect, useId, useRef, useState } from 'react';
import { DEFAULT_LETTER_ORDER, LETTER_ORDERS } from '../../server/contracts/letters.js';
import { api, type LetterOrder } from './api.js';
import { DownloadLink } from './download.js';
import { failureMessage, useSession } from './session.js';
import { BusyButton, FormError, Hidden, useAnnounce } from './ui.js';

type Made = { blob: Blob; filename: string; summary: string };

/** How each printing order reads in the list; ZIP first, as bulk mail is presorted by it. */
const ORDER_LABELS: Record<LetterOrder, string> = {
  zip: 'ZIP code (bulk mail)',
  office: 'Office ID',
  state: 'State',
};

/**
 * Postal letters for a fielding's open offices. Making them issues a new access code per office
 * (recorded in each case's log), so the button first says so and asks again.
 */
export function LettersButton({ fielding }: { fielding: string }) {
  const session = useSession();
  const announce = useAnnounce();
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [made, setMade] = useState<Made>();
  const [order, setOrder] = useState<LetterOrder>(DEFAULT_LETTER_ORDER);
  const orderId = useId();
  // The question replaces the button and goes again: focus follows it, then to the result.
  const box = useRef<HTMLDivElement>(null);
  const moved = useRef(false);
  useEffect(() => {
    if (!moved.current) return;
    moved.current = false;
    const target = asking ? `#${CSS.escape(orderId)}` : made ? '.fk-letters-made a' : '.fk-letters-open';
    box.current?.querySelector<HTMLElement>(target)?.focus();
  }, [asking, made, orderId]);
  const ask = (value: boolean) => {
    moved.current = true;
    setAsking(value);
  };

  const make = async () => {
    setBusy(true);
    const result = await api.letters(fielding, order);
    setBusy(false);
    ask(false);
    if (!result.ok) {
      const message = failureMessage(result.failure, session);
      setError(message);
      announce(message);
      return;
    }
    const summary = result.value.counts?.summary ?? 'Letters made';
    setError(undefined);
    setMade({ blob: result.value.blob, filename: result.value.filename, summary });
    announce(`${summary}. The PDF is ready to save.`);
  };

  return (
    <div className="fk-letters" ref={box}>
      {asking ? (
        <p>
          This issues a new access code for every office of {fielding} that has not completed, refused or been found
          ineligible. <label htmlFor={orderId}>Print in order of</label>{' '}
          <select
            id={orderId}
            value={order}
            onChange={(e) => setOrder(LETTER_ORDERS.find((o) => o === e.target.value) ?? DEFAULT_LETTER_ORDER)}
            disabled={busy}
          >
            {LETTER_ORDERS.map((o) => (
              <option key={o} value={o}>
                {ORDER_LABELS[o]}
              </option>
            ))}
          </select>{' '}
          <BusyButton onClick={make} busy={busy}>
            {busy ? 'Making letters…' : 'Issue codes and make letters'}
          </BusyButton>{' '}
          <BusyButton onClick={() => ask(false)} busy={busy}>
            Cancel
          </BusyButton>
        </p>
      ) : (
        <button type="button" className="fk-letters-open" onClick={() => ask(true)}>
          Letters (PDF)<Hidden> for {fielding}</Hidden>
        </button>
      )}
      {made ? (
        <p className="fk-letters-made">
          {made.summary}. <DownloadLink blob={made.blob} filename={made.filename} label="Save the letters" />
        </p>
      ) : null}
      <FormError message={error} />
    </div>
  );
}
