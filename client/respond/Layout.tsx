import { type ReactNode, useEffect, useRef } from 'react';
import { useStudy } from './study.js';

interface LayoutProps {
  /** The browser tab's title and the page's only <h1>. */
  title: string;
  /** Shown above the heading, e.g. the office the survey is for. */
  context?: string | undefined;
  children: ReactNode;
}

/**
 * Every view has the same landmarks (banner, main, contentinfo) and exactly one <h1>, which takes
 * focus when the view changes so screen-reader users hear where they are.
 */
export function Layout({ title, context, children }: LayoutProps) {
  const study = useStudy();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} – ${study.name}`;
    heading.current?.focus({ preventScroll: true });
  }, [title, study.name]);
  return (
    <>
      <header className="fk-banner">
        {/* A staff preview says so on every page, and once to screen readers as it opens. */}
        {study.testMode ? (
          <p className="fk-test-mode" role="status">
            <strong>Test mode</strong> — answers are not recorded in the study.
          </p>
        ) : null}
        <p className="fk-banner__study">{study.header || study.name}</p>
        {context ? <p className="fk-banner__context">{context}</p> : null}
      </header>
      <main className="fk-main">
        <h1 className="fk-title" ref={heading} tabIndex={-1}>
          {title}
        </h1>
        {children}
      </main>
      <footer className="fk-footer">
        {study.footer ? <p>{study.footer}</p> : null}
        <p>
          Questions about the study? <Contact capital />.
        </p>
      </footer>
    </>
  );
}

/**
 * "email <address>" when the study gives one; otherwise the team is named without an address,
 * since no other study's address may stand in for it.
 */
export function Contact({ capital = false }: { capital?: boolean }) {
  const { contactEmail } = useStudy();
  if (!contactEmail) return <>{capital ? 'Contact' : 'contact'} the team running the survey</>;
  return (
    <>
      {capital ? 'Email' : 'email'} <a href={`mailto:${contactEmail}`}>{contactEmail}</a>
    </>
  );
}
