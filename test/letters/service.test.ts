import { describe, expect, it } from 'vitest';
import { addressLines } from '../../server/letters/service.js';

describe('addressLines', () => {
  const office = {
    case_id: 1,
    office_study_id: 'OFF-1',
    office_name: 'Erie County DA',
    state: 'PA',
    address_line1: '140 West 6th Street',
    address_line2: null,
    city: 'Erie',
    zip: '16501',
    contact_id: 1,
    contact_name: 'Ruth Erie',
    contact_title: 'District Attorney',
    contact_email: 'ruth@erie.example.org',
  };

  it('stacks contact, title, office, street and "City, ST ZIP", leaving out what the frame lacks', () => {
    expect(addressLines(office)).toEqual([
      'Ruth Erie',
      'District Attorney',
      'Erie County DA',
      '140 West 6th Street',
      'Erie, PA 16501',
    ]);
    expect(addressLines({ ...office, contact_title: null, address_line1: null, city: null, zip: null })).toEqual([
      'Ruth Erie',
      'Erie County DA',
      'PA',
    ]);
  });
});
