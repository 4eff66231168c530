import { describe, expect, it } from 'vitest';
import { parseContactsFile } from '../../server/offices/contactsFile.js';
import { utf8 } from './frameImport.js';

describe('parseContactsFile', () => {
  it('reads the columns in any order and case, trims values, lowers emails and leaves an empty title out', () => {
    const file = parseContactsFile(
      utf8(' Contact_Email ,OFFICE_ID,contact_name,Contact_Title\r\n Ann@Office1.Example.org ,OFF-1, Ann Lee ,\r\n'),
    );
    expect(file.problems).toEqual([]);
    expect(file.contacts).toEqual([
      { line: 2, officeId: 'OFF-1', contact: { name: 'Ann Lee', email: 'ann@office1.example.org', title: undefined } },
    ]);
    expect(file.columns).toEqual({ office_id: 2, contact_email: 1 });
  });

  it('reports a value under an unnamed column and bytes that are not UTF-8, each at its line and column', () => {
    const header = Buffer.from('office_id,contact_name,contact_email,\n');
    const unnamed = Buffer.from('OFF-1,Ann,ann@office1.example.org,stray\n');
    const latin1 = Buffer.from('OFF-2,Jos\xe9,jose@office2.example.org,\n', 'latin1');
    const file = parseContactsFile(Buffer.concat([header, unnamed, latin1]));
    expect(file.problems).toEqual([
      { line: 2, column: 4, message: 'the value "stray" is in a column that has no name in the header' },
      {
        line: 3,
        column: 10,
        message: 'the line has bytes that are not valid UTF-8 (save the file as "CSV UTF-8", not as a legacy encoding)',
      },
    ]);
    // The stray value's row gives no contact; either problem alone refuses the whole file.
    expect(file.contacts.map((c) => c.line)).not.toContain(2);
  });
});
