import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, defaultLimits, parseConfig } from '../server/platform/config.js';
import { projectRoot } from '../server/platform/paths.js';

const cwd = path.join(path.sep, 'srv', 'fieldkit');

/** The ConfigError that parsing this environment throws. */
function configErrorOf(env: Record<string, string>): ConfigError {
  try {
    parseConfig(env, cwd);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be rejected`);
}

describe('parseConfig', () => {
  it('fills in defaults from an empty environment, with the data folder under the working directory', () => {
    const config = parseConfig({}, cwd);

    expect(config).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      dataDir: path.join(cwd, 'data'),
      databaseFile: path.join(cwd, 'data', 'fieldkit.db'),
      smtpUrl: undefined,
      publicUrl: 'http://localhost:3000',
      instrumentsDir: path.join(projectRoot, 'instruments'),
      trustProxy: false,
      logLevel: 'info',
      limits: defaultLimits,
    });
  });

  it('derives the default public URL from the port', () => {
    expect(parseConfig({ PORT: '8080' }, cwd).publicUrl).toBe('http://localhost:8080');
  });

  it('resolves a relative DATA_DIR against the working directory and keeps the database inside it', () => {
    const config = parseConfig({ DATA_DIR: 'var/survey' }, cwd);

    expect(config.dataDir).toBe(path.join(cwd, 'var', 'survey'));
    expect(config.databaseFile).toBe(path.join(cwd, 'var', 'survey', 'fieldkit.db'));
  });

  it('keeps an absolute DATA_DIR as it is', () => {
    const dataDir = path.join(path.sep, 'data', 'fieldkit');

    expect(parseConfig({ DATA_DIR: dataDir }, cwd).databaseFile).toBe(path.join(dataDir, 'fieldkit.db'));
  });

  it.each([
    ['one trailing slash', 'https://survey.example.org/', 'https://survey.example.org'],
    ['several trailing slashes', 'https://survey.example.org//', 'https://survey.example.org'],
    ['a path prefix', 'https://example.org/survey/', 'https://example.org/survey'],
    ['no trailing slash', 'http://survey.example.org', 'http://survey.example.org'],
  ])('trims the trailing slash of PUBLIC_URL (%s)', (_case, publicUrl, expected) => {
    expect(parseConfig({ PUBLIC_URL: publicUrl }, cwd).publicUrl).toBe(expected);
  });

  it('reads the remaining settings from their variables', () => {
    const config = parseConfig(
      {
        HOST: '127.0.0.1',
        SMTP_URL: 'smtps://mailer:secret@smtp.example.org:465',
        INSTRUMENTS_DIR: 'my-instruments',
        TRUST_PROXY: '2',
        LOG_LEVEL: 'silent',
      },
      cwd,
    );

    expect(config).toMatchObject({
      host: '127.0.0.1',
      smtpUrl: 'smtps://mailer:secret@smtp.example.org:465',
      instrumentsDir: path.join(cwd, 'my-instruments'),
      trustProxy: 2,
      logLevel: 'silent',
    });
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '80.5'],
    ['PUBLIC_URL', 'ftp://x'],
    ['PUBLIC_URL', 'not a url'],
    ['SMTP_URL', 'http://x'],
    ['TRUST_PROXY', 'yes'],
    ['TRUST_PROXY', 'true'],
    ['TRUST_PROXY', '10.0.0.0/33'],
    ['TRUST_PROXY', 'loopback, proxy.example.org'],
    ['TRUST_PROXY', '11'],
    ['LOG_LEVEL', 'debug'],
    ['DATA_DIR', ''],
    ['MAIL_FROM', 'survey team'],
    ['MAIL_FROM', 'Survey <survey@example.org>\r\nBcc: x@example.org'],
  ])('rejects %s=%j with a ConfigError that names the variable', (variable, value) => {
    const error = configErrorOf({ [variable]: value });

    expect(error.message).toMatch(new RegExp(`^\\s+${variable}: `, 'm'));
  });

  it.each([
    ['false', false],
    ['0', false],
    ['1', 1],
    ['loopback', ['loopback']],
    [
      '10.0.0.5, 192.168.0.0/16, ::1, fd00::/8, uniquelocal',
      ['10.0.0.5', '192.168.0.0/16', '::1', 'fd00::/8', 'uniquelocal'],
    ],
  ])('reads TRUST_PROXY=%j as Express trust proxy %j', (value, expected) => {
    expect(parseConfig({ TRUST_PROXY: value }, cwd).trustProxy).toEqual(expected);
  });

  it('refuses TRUST_PROXY=true, which would trust any X-Forwarded-For, and says what to give instead', () => {
    expect(configErrorOf({ TRUST_PROXY: 'true' }).message).toMatch(
      /TRUST_PROXY: true would trust any X-Forwarded-For .* \(1 for one reverse proxy\) or their addresses/,
    );
  });

  it('sends mail from "Fieldkit survey" at the PUBLIC_URL host unless MAIL_FROM says otherwise', () => {
    expect(parseConfig({ PUBLIC_URL: 'https://survey.example.org/tip' }, cwd).mailFrom).toBe(
      '"Fieldkit survey" <survey@survey.example.org>',
    );
    expect(parseConfig({ MAIL_FROM: '"TIP study" <tip@univ.example.edu>' }, cwd).mailFrom).toBe(
      '"TIP study" <tip@univ.example.edu>',
    );
    expect(parseConfig({ MAIL_FROM: 'tip@univ.example.edu' }, cwd).mailFrom).toBe('tip@univ.example.edu');
  });

  it('reports every bad variable at once', () => {
    const error = configErrorOf({ PORT: 'abc', PUBLIC_URL: 'ftp://x', SMTP_URL: 'http://x' });

    expect(error.message).toMatch(/^\s+PORT: /m);
    expect(error.message).toMatch(/^\s+PUBLIC_URL: must be an http\(s\) URL$/m);
    expect(error.message).toMatch(/^\s+SMTP_URL: must start with smtp:\/\/ or smtps:\/\/$/m);
  });

  // `PORT=` left empty in an env file must not silently mean "any free port" (and links to localhost:0).
  it('rejects an empty PORT instead of turning it into port 0', () => {
    const error = configErrorOf({ PORT: '' });

    expect(error.message).toMatch(/^\s+PORT: /m);
  });

  it('takes the Chromium that prints PDFs from CHROMIUM_PATH, relative to the working directory, /usr/bin/chromium by default', () => {
    expect(parseConfig({}, cwd).chromiumPath).toBe('/usr/bin/chromium');
    expect(parseConfig({ CHROMIUM_PATH: 'bin/chrome' }, cwd).chromiumPath).toBe(path.join(cwd, 'bin', 'chrome'));
    expect(configErrorOf({ CHROMIUM_PATH: '' }).message).toMatch(/^\s+CHROMIUM_PATH: /m);
  });

  it('returns a frozen object that nobody can change behind the tests', () => {
    const config = parseConfig({}, cwd);

    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.limits)).toBe(true);
    expect(() => {
      (config as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(config.port).toBe(3000);
  });
});
