import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Layout } from '../../client/respond/Layout.js';
import { StudyContext } from '../../client/respond/study.js';
import { ThanksDeclinedView } from '../../client/respond/views.js';

const madeUpStudy = {
  name: 'Made-Up Courts Study',
  contactEmail: 'courts-study@example.org',
  header: '',
  footer: 'Run by the Made-Up Institute.',
};

const page = (study: typeof madeUpStudy | undefined, view = <Layout title="A page">text</Layout>) =>
  renderToStaticMarkup(study ? <StudyContext value={study}>{view}</StudyContext> : view);

describe('respondent page banner and footer', () => {
  it('name the study the server sent, with its contact and footer, and no other study', () => {
    const html = page(madeUpStudy);
    expect(html).toContain('<p class="fk-banner__study">Made-Up Courts Study</p>');
    expect(html).toContain('<p>Run by the Made-Up Institute.</p>');
    expect(html).toContain('<a href="mailto:courts-study@example.org">courts-study@example.org</a>');
    expect(html).not.toMatch(/Prosecutors|tip-study/);
  });

  it('show the header in place of the name when the study gives one', () => {
    expect(page({ ...madeUpStudy, header: 'Courts Study · 2027' })).toContain(
      '<p class="fk-banner__study">Courts Study · 2027</p>',
    );
  });

  it('point to the study team without an address when the study gives none', () => {
    const html = page({ ...madeUpStudy, contactEmail: '' }, <ThanksDeclinedView />);
    expect(html).not.toContain('mailto:');
    expect(html).toContain('contact the team running the survey and we will reopen');
  });

  it('say only "Fieldkit survey" before any link is known', () => {
    const html = page(undefined);
    expect(html).toContain('<p class="fk-banner__study">Fieldkit survey</p>');
    expect(html).not.toContain('mailto:');
  });
});
