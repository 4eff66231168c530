import { describe, expect, it } from 'vitest';
import { allowedFields, checkTemplate, MissingMergeFieldError, renderEmail } from '../../server/templates/render.js';

const fields = allowedFields(['county_fips']);
const values = {
  office_name: 'Erie County DA <Office>',
  office_id: 'OFF-5',
  jurisdiction: 'Erie County',
  state: 'NY',
  city: 'Buffalo',
  contact_name: 'Jane Roe',
  contact_title: '',
  link: 'https://survey.example.org/s/abc_DEF-123',
  access_code: 'KQ7M-4T9X-WP2H',
  code_url: 'https://survey.example.org/code',
  deadline: 'June 30, 2027',
  opt_out_link: 'https://survey.example.org/u/xyz',
  county_fips: '36029',
};

describe('checkTemplate', () => {
  it('accepts standard fields, frame columns and spaces inside the braces', () => {
    const body = 'Dear {{ contact_name }},\nFIPS {{county_fips}}: {{link}}';
    expect(checkTemplate('invitation', { subject: 'Hello {{office_name}}', body }, fields)).toEqual([]);
  });

  it('names an unknown field with its line and column, and suggests the near one', () => {
    const body = 'Dear {{contact_name}},\n\nYour link: {{Link}}\n{{link}}';
    expect(checkTemplate('reminder', { subject: 'Hi', body }, fields)).toEqual([
      {
        part: 'body',
        line: 3,
        column: 12,
        message: expect.stringMatching(/^Unknown merge field \{\{Link\}\} \(did you mean \{\{link\}\}\?\)/),
      },
    ]);
  });

  it('reports unclosed and malformed braces, an empty subject and an invitation without a way in', () => {
    const problems = checkTemplate('invitation', { subject: ' ', body: 'Dear {{contact_name,\n{{ 2x }} ok' }, fields);
    expect(problems.map((p) => [p.part, p.line, p.column, p.message.slice(0, 30)])).toEqual([
      ['subject', 1, 1, 'The subject is empty.'],
      ['body', 1, 6, '"{{" is not closed by "}}"'],
      ['body', 2, 1, '"{{ 2x }}" is not a merge fiel'],
      ['body', 1, 1, 'An invitation must give the wa'],
    ]);
  });

  it('lets a thank-you go without a link', () => {
    expect(checkTemplate('thank_you', { subject: 'Thanks', body: 'Thank you, {{contact_name}}.' }, fields)).toEqual([]);
  });
});

describe('renderEmail', () => {
  it('fills both parts, escapes values in HTML, makes links anchors and ends with the opt-out', () => {
    const mail = renderEmail(
      {
        subject: 'Survey for {{office_name}}',
        body: 'Dear {{contact_name}},\n\nStart here:\n{{link}}\n\nCode <{{access_code}}>',
      },
      values,
    );
    expect(mail.subject).toBe('Survey for Erie County DA <Office>');
    expect(mail.text).toBe(
      'Dear Jane Roe,\n\nStart here:\nhttps://survey.example.org/s/abc_DEF-123\n\nCode <KQ7M-4T9X-WP2H>\n\n--\nTo stop all email about this survey, open: https://survey.example.org/u/xyz\n',
    );
    expect(mail.html).toContain('<title>Survey for Erie County DA &lt;Office&gt;</title>');
    expect(mail.html).toContain(
      '<p>Start here:<br>\n<a href="https://survey.example.org/s/abc_DEF-123">https://survey.example.org/s/abc_DEF-123</a></p>',
    );
    expect(mail.html).toContain('<p>Code &lt;KQ7M-4T9X-WP2H&gt;</p>');
    expect(mail.html).toContain('<a href="https://survey.example.org/u/xyz">opt out here</a>');
  });

  it('keeps a value with a line break out of the subject’s header line', () => {
    expect(
      renderEmail({ subject: '{{office_name}}', body: 'x' }, { ...values, office_name: 'A\r\nBcc: x@y' }).subject,
    ).toBe('A Bcc: x@y');
  });

  it('refuses to render a field that has no value rather than leave a blank', () => {
    expect(() =>
      renderEmail({ subject: 'x', body: '{{county_fips}}' }, { ...values, county_fips: undefined } as never),
    ).toThrow(MissingMergeFieldError);
  });
});
