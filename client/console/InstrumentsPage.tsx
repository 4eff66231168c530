import type { ReactNode } from 'react';
import { api } from './api.js';
import { PageTitle } from './Layout.js';
import { PreviewButton } from './PreviewButton.js';
import { DataTable, Hidden } from './ui.js';
import { useLoad } from './useLoad.js';

/**
 * The instruments loaded on the server, each version with its content hash, its codebook, a printable
 * blank copy and a test-mode preview.
 */
export function InstrumentsPage() {
  const { value, error } = useLoad(api.instruments);
  return (
    <>
      <PageTitle title="Instruments" />
      {error ? <p className="fk-alert">{error}</p> : null}
      {!value && !error ? <p>Loading…</p> : null}
      {value && value.instruments.length === 0 ? <p>No instruments are loaded.</p> : null}
      {value?.instruments.map((instrument) => (
        <DataTable key={instrument.id} caption={`${instrument.title} (${instrument.id})`}>
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Title</th>
              <th scope="col">Mode</th>
              <th scope="col">Content hash (SHA-256)</th>
              <th scope="col">Codebook</th>
              <th scope="col">Paper</th>
              <th scope="col">Preview</th>
            </tr>
          </thead>
          <tbody>
            {instrument.versions.map((v) => (
              <tr key={v.version}>
                <th scope="row">{v.version}</th>
                <td>{v.title}</td>
                <td>{v.mode}</td>
                <td>
                  <code className="fk-hash">{v.contentHash}</code>
                </td>
                <td>
                  <NewTabLink href={api.codebookUrl(instrument.id, v.version)} label="Codebook">
                    of {instrument.id} {v.version}
                  </NewTabLink>
                </td>
                <td>
                  <NewTabLink href={api.paperUrl(instrument.id, v.version)} label="Printable copy">
                    of {instrument.id} {v.version}
                  </NewTabLink>
                </td>
                <td>
                  <PreviewButton id={instrument.id} version={v.version} />
                </td>
              </tr>
            ))}
          </tbody>
        </DataTable>
      ))}
    </>
  );
}

/** A page the server renders (codebook, paper copy), in a new tab; `children` names it for screen readers. */
function NewTabLink({ href, label, children }: { href: string; label: string; children: ReactNode }) {
  return (
    <a href={href} target="_blank" rel="noopener">
      {label}
      <Hidden> {children}</Hidden>
      <Hidden> (opens in a new tab)</Hidden>
    </a>
  );
}
