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

/**
 * Saves a file the console received straight away, as a link with `download` would (one click for
 * a file that can be asked for again, like a case list). The object URL is released a minute later:
 * revoking it at once can cut the save short in some browsers.
 */
export function saveFile(blob: Blob, filename: string) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
