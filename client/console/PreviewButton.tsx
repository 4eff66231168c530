import { useState } from 'react';
import { api } from './api.js';
import { failureMessage, useSession } from './session.js';
import { BusyButton, FormError, Hidden, useAnnounce } from './ui.js';

/**
 * Opens one instrument version in the real respondent app, in test mode, in a new tab. The tab is
 * opened on the click itself (a tab opened after the request returns is blocked as a pop-up) and
 * sent to the preview's link once the server has made it.
 */
export function PreviewButton({ id, version }: { id: string; version: string }) {
  const session = useSession();
  const announce = useAnnounce();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const open = async () => {
    const tab = window.open('', '_blank');
    // The preview page needs no way back into the console's window.
    if (tab) tab.opener = null;
    setBusy(true);
    const result = await api.startPreview(id, version);
    setBusy(false);
    if (!result.ok) {
      tab?.close();
      setError(failureMessage(result.failure, session));
      return;
    }
    setError(undefined);
    if (tab) tab.location.href = result.value.url;
    else window.location.assign(result.value.url);
    announce(`Preview of ${id} ${version} opened in a new tab; its answers are not recorded in the study.`);
  };

  return (
    <>
      <BusyButton onClick={open} busy={busy}>
        Preview
        <Hidden>
          {' '}
          {id} {version} in test mode (opens in a new tab)
        </Hidden>
      </BusyButton>
      <FormError message={error} />
    </>
  );
}
