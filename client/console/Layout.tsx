import { type ReactNode, useEffect, useId, useRef, useState } from 'react';
import type { Staff } from './api.js';
import { pagesFor } from './pages.js';
import { Link } from './router.js';

export const ROLE_NAMES: Record<Staff['role'], string> = {
  admin: 'Admin',
  fieldwork: 'Fieldwork',
  analyst: 'Analyst',
  interviewer: 'Interviewer',
};

/** The first page shown after loading keeps the browser's own focus (at the top, before the skip link). */
let firstTitle = true;

/**
 * One <h1> per page, focused when the page changes so screen-reader users hear where they are;
 * the tab title follows it.
 */
export function PageTitle({ title }: { title: string }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} – Fieldkit staff`;
    if (!firstTitle) heading.current?.focus({ preventScroll: true });
    firstTitle = false;
  }, [title]);
  return (
    <h1 className="fk-title" ref={heading} tabIndex={-1}>
      {title}
    </h1>
  );
}

/** The frame of every page: skip link, banner, main. `staff` adds the navigation and the account. */
export function Layout({
  staff,
  current,
  onSignOut,
  status,
  children,
}: {
  staff?: Staff | undefined;
  current?: string;
  onSignOut?: () => void;
  /** What the last action did, in the page's one polite live region. */
  status: string;
  children: ReactNode;
}) {
  // On a phone the pages and the account fold behind one button, so the header stays one row.
  const [menuOpen, setMenuOpen] = useState(false);
  const menuId = useId();
  useEffect(() => {
    if (current !== undefined) setMenuOpen(false);
  }, [current]);
  return (
    <>
      <a className="fk-skip" href="#main">
        Skip to main content
      </a>
      <header className="fk-header">
        <p className="fk-brand">Fieldkit staff</p>
        {staff ? (
          <button
            type="button"
            className="fk-menu-button"
            aria-expanded={menuOpen}
            aria-controls={menuId}
            onClick={() => setMenuOpen(!menuOpen)}
          >
            Menu
          </button>
        ) : null}
        {staff ? (
          <div id={menuId} className={menuOpen ? 'fk-menu fk-menu--open' : 'fk-menu'}>
            <nav aria-label="Console" className="fk-nav">
              <ul>
                {pagesFor(staff.role).map((page) => (
                  <li key={page.path}>
                    <Link to={page.path} aria-current={page.path === current ? 'page' : undefined}>
                      {page.title}
                    </Link>
                  </li>
                ))}
              </ul>
            </nav>
            <div className="fk-account">
              <p>
                Signed in as <strong>{staff.email}</strong> <span className="fk-role">({ROLE_NAMES[staff.role]})</span>
              </p>
              <button type="button" onClick={onSignOut}>
                Sign out
              </button>
            </div>
          </div>
        ) : null}
      </header>
      <main id="main" className="fk-main" tabIndex={-1}>
        {children}
        <div className="fk-visually-hidden" role="status">
          {status}
        </div>
      </main>
    </>
  );
}
