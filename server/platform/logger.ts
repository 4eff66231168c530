import type { Config } from './config.js';

/** Logs carry events and counts, never answers, tokens, codes or passwords. */
export type Logger = { info(message: string): void; error(message: string): void };

export function consoleLogger(level: Config['logLevel']): Logger {
  return {
    info: (m) => {
      if (level === 'info') process.stdout.write(`${new Date().toISOString()} ${m}\n`);
    },
    error: (m) => {
      if (level !== 'silent') process.stderr.write(`${new Date().toISOString()} ERROR ${m}\n`);
    },
  };
}
