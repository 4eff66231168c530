import { lazy, type ReactNode, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { AuditPage } from './AuditPage.js';
import { api, type Staff, setCsrfToken } from './api.js';
import { CasePage } from './CasePage.js';
import { CasesPage } from './CasesPage.js';
import { ChunkBoundary } from './ChunkBoundary.js';
import { DashboardPage } from './DashboardPage.js';
import { forgetAllDrafts } from './drafts.js';
import { EmailPage } from './EmailPage.js';
import { ExportsPage } from './ExportsPage.js';
import { FieldingsPage } from './FieldingsPage.js';
import { InstrumentsPage } from './InstrumentsPage.js';
import { Layout, PageTitle } from './Layout.js';
import { LoginPage } from './LoginPage.js';
import { type DetailMatch, detailPageFor, pagesFor } from './pages.js';
import { RecordsPage } from './RecordsPage.js';
import { navigate, usePath } from './router.js';
import { SessionWarning } from './SessionWarning.js';
import { SetPasswordPage } from './SetPasswordPage.js';
import { SitesPage } from './SitesPage.js';
import { StaffPage } from './StaffPage.js';
import { type Session, SessionContext } from './session.js';
import { forgetSessionEnd } from './sessionClock.js';
import { TokensPage } from './TokensPage.js';
import { AnnounceContext } from './ui.js';

/**
 * The record entry page brings SurveyJS (survey-core, survey-react-ui, their stylesheet): a chunk of
 * its own, fetched when a record is opened, so the console's first load stays small
 * (test/client/bundles.test.ts).
 */
const RecordPage = lazy(() => import('./RecordPage.js'));

type State = { phase: 'loading' } | { phase: 'signed_out'; notice?: string } | { phase: 'signed_in'; staff: Staff };

function detailView(match: DetailMatch): ReactNode {
  // A key per parameter: moving from one case to another starts the page afresh (no shown-once link carried over).
  switch (match.kind) {
    case 'cases':
      return <CasesPage key={match.param} fielding={match.param} />;
    case 'email':
      return <EmailPage key={match.param} fielding={match.param} />;
    case 'dashboard':
      return <DashboardPage key={match.param} fielding={match.param} />;
    case 'case':
      return <CasePage key={match.param} id={Number(match.param)} />;
    case 'record':
      return (
        <ChunkBoundary key={match.param}>
          <Suspense fallback={<p>Loading…</p>}>
            <RecordPage id={Number(match.param)} />
          </Suspense>
        </ChunkBoundary>
      );
  }
}

const PAGE_VIEWS = {
  '/fieldings': FieldingsPage,
  '/instruments': InstrumentsPage,
  '/records': RecordsPage,
  '/sites': SitesPage,
  '/exports': ExportsPage,
  '/users': StaffPage,
  '/audit': AuditPage,
  '/tokens': TokensPage,
} as const;

export function App() {
  const path = usePath();
  const [state, setState] = useState<State>({ phase: 'loading' });
  const [announcement, setAnnouncement] = useState('');

  const onPasswordPage = path === '/password';
  useEffect(() => {
    if (onPasswordPage) return;
    let live = true;
    void api.me().then((result) => {
      if (!live) return;
      if (result.ok && result.value.csrfToken) {
        setCsrfToken(result.value.csrfToken);
        setState({ phase: 'signed_in', staff: result.value.staff });
      } else {
        setState({ phase: 'signed_out' });
      }
    });
    return () => {
      live = false;
    };
  }, [onPasswordPage]);

  const signedIn = useCallback((staff: Staff, csrfToken: string) => {
    setCsrfToken(csrfToken);
    setState({ phase: 'signed_in', staff });
  }, []);
  const signOut = useCallback(async () => {
    await api.logout();
    setCsrfToken('');
    forgetSessionEnd();
    forgetAllDrafts();
    setState({ phase: 'signed_out', notice: 'You are signed out.' });
    navigate('/login');
  }, []);
  const session = useMemo<Session | undefined>(
    () =>
      state.phase === 'signed_in'
        ? {
            staff: state.staff,
            expired: () => {
              forgetSessionEnd();
              setState({
                phase: 'signed_out',
                notice: 'Your session has ended. Sign in again. Text you had not saved comes back.',
              });
              // Focus goes to the sign-in page's heading; this says why it is there.
              setAnnouncement('You are signed out. Text you had not saved comes back after you sign in again.');
            },
          }
        : undefined,
    [state],
  );

  // Signed in at the root or the login page: go to the first page the role may open.
  const firstPage = session ? pagesFor(session.staff.role)[0]?.path : undefined;
  useEffect(() => {
    if (firstPage && (path === '/' || path === '/login')) navigate(firstPage, { replace: true });
  }, [firstPage, path]);

  let view: ReactNode;
  if (path === '/password') {
    view = <SetPasswordPage />;
  } else if (state.phase === 'loading') {
    view = <p>Loading…</p>;
  } else if (state.phase === 'signed_out' || !session) {
    view = <LoginPage notice={state.phase === 'signed_out' ? state.notice : undefined} onSignedIn={signedIn} />;
  } else {
    const page = pagesFor(session.staff.role).find((p) => p.path === path);
    const View = page ? PAGE_VIEWS[page.path] : undefined;
    const detail = detailPageFor(path, session.staff.role);
    view = View ? (
      <View />
    ) : detail ? (
      detailView(detail)
    ) : path === '/' || path === '/login' ? null : (
      <>
        <PageTitle title="Page not found" />
        <p>There is no such page in the console, or your role does not open it. Choose a page from the menu.</p>
      </>
    );
  }

  return (
    <AnnounceContext value={setAnnouncement}>
      <SessionContext value={session}>
        <Layout staff={session?.staff} current={path} onSignOut={signOut} status={announcement}>
          {view}
        </Layout>
        {session ? <SessionWarning onSignOut={signOut} /> : null}
      </SessionContext>
    </AnnounceContext>
  );
}
