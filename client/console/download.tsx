import { useEffect, useState } from 'react';

/**
 * A link that saves a file the console received (a links CSV, an export zip). The object URL lives
 * as long as the link is shown, so the user can save it again until leaving the page.
 */
export function DownloadLink({ blob, filename, label }: { blob: Blob; filename: string; label: string }) {
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    const created = URL.createObjectURL(blob);
    setUrl(created);
    return () => URL.revokeObjectURL(created);
  }, [blob]);
  if (!url) return null;
  return (
    <a className="fk-download" href={url} download={filename}>
      {label} <span className="fk-nowrap">({filename})</span>
    </a>
  );
}
