import { Component, type ReactNode } from 'react';
import { PageTitle } from './Layout.js';

/**
 * Around a page loaded as a chunk of its own (the record entry page): on a connection that drops,
 * the chunk may not arrive, and without this the whole console would go blank. Answers not yet on
 * the server are kept in the tab, so reloading is safe and is what the page offers.
 */
export class ChunkBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override render() {
    if (!this.state.failed) return this.props.children;
    return (
      <>
        <PageTitle title="The page could not be loaded" />
        <p className="fk-alert">
          This page could not be loaded; the connection may have dropped. Answers not yet saved are kept in this tab.
        </p>
        <button type="button" onClick={() => window.location.reload()}>
          Reload the page
        </button>
      </>
    );
  }
}
