import { describe, expect, it } from 'vitest';
import { addressLines, closedBecause } from '../../server/letters/service.js';

describe('closedBecause', () => {
  const log =
    (...types: string[]) =>
    () =>
      types;

  it('closes complete, refused and ineligible cases by their final disposition', () => {
    expect(closedBecause('1.1', log('completed'))).toBe('completed');
    expect(closedBecause('2.11', log('opted_out'))).toBe('refused');
    expect(closedBecause('4.10', log('marked_ineligible'))).toBe('ineligible');
  });

  it('keeps writing to offices not yet reached, bounced by email, or that broke off', () => {
    for (const code of ['3.11', '3.19', '3.30']) expect(closedBecause(code, log('token_issued'))).toBeUndefined();
    expect(closedBecause('2.12', log('token_issued', 'link_opened', 'page_saved'))).toBeUndefined();
    expect(closedBecause('1.2', log('token_issued', 'page_saved'))).toBeUndefined();
  });

  it('never asks again an office whose partial or break-off hides a refusal or a submission', () => {
    expect(closedBecause('1.2', log('page_saved', 'declined'))).toBe('refused');
    expect(closedBecause('1.2', log('page_saved', 'opted_out'))).toBe('refused');
    expect(closedBecause('2.12', log('page_saved', 'completed'))).toBe('completed');
  });
});

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
