/**
 * A progress bar for long CLI commands, drawn on one terminal line (carriage return, no newline)
 * and redrawn at most every 100 ms, so a 10,000-case export does not spend its time painting.
 * The CLI draws it only when stderr is a terminal; a pipe or a log file gets none of it.
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
