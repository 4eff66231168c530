import { describe, expect, it } from 'vitest';
import { inMailingOrder } from '../../server/letters/order.js';

const office = (office_study_id: string, zip: string | null, state = 'MA') => ({ office_study_id, state, zip });

describe('inMailingOrder', () => {
  it('sorts ZIPs as the post does: a leading 0 first, a ZIP+4 right after its ZIP, no ZIP (or a blank one) last', () => {
    const rows = [
      office('OFF-7', null),
      office('OFF-1', '16502'),
      office('OFF-2', '16501-1234'),
      office('OFF-3', '02134'),
      office('OFF-4', '  '),
      office('OFF-5', '16501'),
    ];

    expect(inMailingOrder(rows, 'zip').map((r) => r.office_study_id)).toEqual([
      'OFF-3',
      'OFF-5',
      'OFF-2',
      'OFF-1',
      'OFF-4',
      'OFF-7',
    ]);
  });

  it('leaves the rows it was given as they were', () => {
    const rows = [office('OFF-2', '2'), office('OFF-1', '1')];
    inMailingOrder(rows, 'zip');
    expect(rows.map((r) => r.office_study_id)).toEqual(['OFF-2', 'OFF-1']);
  });
});
