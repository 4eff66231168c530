import { type ReactNode, useEffect, useRef } from 'react';
import { STUDY_CONTACT_EMAIL, STUDY_NAME } from './study.js';

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
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} – ${STUDY_NAME}`;
    heading.current?.focus({ preventScroll: true });
  }, [title]);
  return (
    <>
      <header className="fk-banner">
        <p className="fk-banner__study">{STUDY_NAME}</p>
        {context ? <p className="fk-banner__context">{context}</p> : null}
      </header>
      <main className="fk-main">
        <h1 className="fk-title" ref={heading} tabIndex={-1}>
          {title}
        </h1>
        {children}
      </main>
      <footer className="fk-footer">
        <p>
          Questions about the study? Email <a href={`mailto:${STUDY_CONTACT_EMAIL}`}>{STUDY_CONTACT_EMAIL}</a>.
        </p>
      </footer>
    </>
  );
}

export function ContactLink() {
  return <a href={`mailto:${STUDY_CONTACT_EMAIL}`}>{STUDY_CONTACT_EMAIL}</a>;
}
