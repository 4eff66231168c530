/**
 * A progress bar for long CLI commands, drawn on one terminal line (carriage return, no newline)
 * and redrawn at most every 100 ms, so a 10,000-case export does not spend its time painting.
 * The CLI draws it only when stderr is a terminal; a pipe or a log file gets `progressLog` instead
 * where a command runs long (`invite`).
 */
export type Progress = { done: number; total: number; label: string };

const WIDTH = 24;

/** One frame: `[#########---------------]  37% cases 3700/10000`. */
export function progressLine({ done, total, label }: Progress): string {
  const share = total > 0 ? Math.min(1, Math.max(0, done / total)) : 1;
  const filled = Math.round(share * WIDTH);
  const percent = String(Math.floor(share * 100)).padStart(3);
  return `[${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${percent}% ${label} ${done}/${total}`;
}

export function progressBar(write: (text: string) => void, now: () => number = Date.now) {
  let last = Number.NEGATIVE_INFINITY;
  let drawn = false;
  return {
    update(p: Progress): void {
      const t = now();
      // The last step of a stage is always drawn, so the bar never stops short of 100%.
      if (t - last < 100 && p.done < p.total) return;
      last = t;
      drawn = true;
      write(`\r${progressLine(p)}\u001b[K`);
    },
    /** Clears the bar's line, so the command's own message starts on a clean line. */
    end(): void {
      if (drawn) write('\r\u001b[K');
      drawn = false;
    },
  };
}

/** How often `progressLog` writes a line at the least. */
export const PROGRESS_LOG_EVERY_MS = 60_000;

/**
 * Progress for a pipe or a log file (cron, systemd, `nohup`): one whole line when the work starts,
 * then at least every `everyMs` while it runs, even when nothing moved (so a stalled run shows as
 * stalled, not as dead), and a last one at the end: `2027-02-01T09:01:00.000Z invitations 120/600 (20%)`.
 */
export function progressLog(write: (line: string) => void, options: { everyMs?: number; now?: () => Date } = {}) {
  const now = options.now ?? (() => new Date());
  let latest: Progress | undefined;
  const print = () => {
    if (!latest) return;
    const { done, total, label } = latest;
    const percent = total > 0 ? Math.floor((Math.min(done, total) / total) * 100) : 100;
    write(`${now().toISOString()} ${label} ${done}/${total} (${percent}%)`);
  };
  const timer = setInterval(print, options.everyMs ?? PROGRESS_LOG_EVERY_MS);
  // The work keeps the process alive; the progress line alone must not.
  timer.unref();
  return {
    update(p: Progress): void {
      const first = latest === undefined;
      latest = p;
      if (first) print();
    },
    end(): void {
      clearInterval(timer);
      print();
      latest = undefined;
    },
  };
}
