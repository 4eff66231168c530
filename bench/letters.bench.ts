import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import PDFDocument from 'pdfkit';
import request from 'supertest';
import { afterAll, bench, describe } from 'vitest';
import { writeLettersPdf } from '../server/letters/pdf.js';
import type { Letter } from '../server/letters/service.js';
import { createTestEnv, seedFielding } from '../test/support/app.js';
import { describeProbe, probeHealthWhile } from '../test/support/probe.js';
import { nationalFrame } from './support/nationalFrame.js';
import { benchApiToken } from './support/staffToken.js';

/**
 * Letters for the synthetic national frame (~2,300 offices), next to a baseline in the same run: a
 * pdfkit document of as many blank pages. Also the whole staff route (dispositions, issuing 2,300
 * codes in one transaction, the streamed PDF) with health checks asked meanwhile, to show how long
 * respondents' requests wait while it runs. Prints the times and their ratio.
 */
const env = createTestEnv();
const frame = nationalFrame();
seedFielding(env, { name: 'national', rows: frame.rows });
const token = benchApiToken(env);

const letters: Letter[] = frame.offices.map((o, i) => ({
  officeId: o.office_id,
  officeName: o.office_name,
  contactName: o.contact_name,
  contactTitle: o.contact_title ?? null,
  addressLines: [
    o.contact_name,
    o.contact_title ?? '',
    o.office_name,
    o.address_line1 ?? '',
    `${o.city ?? ''}, ${o.state} ${o.zip ?? ''}`,
  ],
  paragraphs: [
    `Dear ${o.contact_name},`,
    `Your office, ${o.office_name}, has been selected to take part in a national study. The survey takes about 25 minutes.`,
    'Please respond by June 30, 2027. Thank you for your help.',
  ],
  accessCode: `KQ7M-4T9X-${String(i).padStart(4, '2').slice(-4)}`,
}));
const batch = {
  fielding: 'national',
  studyTitle: 'Bench Survey',
  date: 'February 1, 2027',
  shortUrl: 'http://fieldkit.test/code',
  sender: {
    senderName: 'Dana Reyes',
    senderTitle: 'Principal Investigator',
    institution: 'Bench University',
    returnAddress: '1 University Way\nCollege Town, PA 16801',
    phone: '(814) 555-0100',
    signature: 'Dana Reyes, PhD',
  },
  letters,
};

const discard = () =>
  new Writable({
    write(_chunk, _enc, done) {
      done();
    },
  });

const times: Record<string, number[]> = { blank: [], letters: [] };
const timed = async (key: string, work: () => Promise<void>) => {
  const started = performance.now();
  await work();
  times[key]?.push(performance.now() - started);
};
const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)] ?? Number.NaN;

afterAll(() => {
  const blank = median(times.blank ?? []);
  const drawn = median(times.letters ?? []);
  process.stdout.write(
    `\n${letters.length} blank pages: ${blank.toFixed(0)} ms; ${letters.length} letters: ${drawn.toFixed(0)} ms; ratio ${(drawn / blank).toFixed(2)}\n`,
  );
  env.close();
});

describe(`letters PDF for ${letters.length} offices`, () => {
  bench(
    `pdfkit, ${letters.length} blank pages (baseline)`,
    () =>
      timed('blank', async () => {
        const out = discard();
        const doc = new PDFDocument({ size: 'LETTER', autoFirstPage: false });
        doc.pipe(out);
        for (let i = 0; i < letters.length; i++) doc.addPage();
        doc.end();
        await finished(out);
      }),
    { iterations: 3, warmupIterations: 1 },
  );

  bench(`writeLettersPdf, ${letters.length} letters`, () => timed('letters', () => writeLettersPdf(batch, discard())), {
    iterations: 3,
    warmupIterations: 1,
  });

  bench(
    `POST /api/staff/fieldings/national/letters (issues ${letters.length} codes), health checks meanwhile`,
    async () => {
      const work = request(env.app)
        .post('/api/staff/fieldings/national/letters')
        .set('Authorization', `Bearer ${token}`)
        .buffer(true)
        .parse((res, done) => {
          let bytes = 0;
          res.on('data', (c: Buffer) => {
            bytes += c.length;
          });
          res.on('end', () => done(null, bytes));
        })
        .then((res) => {
          if (res.status !== 200) throw new Error(`letters answered ${res.status}`);
          return res.body as number;
        });
      const { result, probe } = await probeHealthWhile(env, work);
      process.stdout.write(describeProbe(`letters route, ${(result / 2 ** 20).toFixed(1)} MB PDF`, probe));
    },
    { iterations: 2, warmupIterations: 0 },
  );
});
