import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** How the import reads an image on another host (global fetch, or a test's own). */
export type FetchImage = (url: string, init: { signal: AbortSignal }) => Promise<Response>;

/** Larger images would make every respondent download the survey slowly. */
export const MAX_IMAGE_BYTES = 1024 * 1024;
const FETCH_TIMEOUT_MS = 15_000;

const TYPE_BY_EXTENSION: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
};
const IMAGE_TYPES = new Set(Object.values(TYPE_BY_EXTENSION));

type Loaded = { dataUrl: string } | { problem: string };

async function fromUrl(url: string, fetchImage: FetchImage): Promise<Loaded> {
  let response: Response;
  try {
    response = await fetchImage(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  } catch (err) {
    return { problem: `cannot be fetched (${err instanceof Error ? err.message : String(err)})` };
  }
  if (!response.ok) return { problem: `cannot be fetched (HTTP ${response.status})` };
  const type = (response.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const bytes = Buffer.from(await response.arrayBuffer());
  return encoded(bytes, type);
}

async function fromFile(file: string): Promise<Loaded> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch {
    return { problem: `cannot be read: there is no file ${file}` };
  }
  return encoded(bytes, TYPE_BY_EXTENSION[path.extname(file).toLowerCase()] ?? '');
}

function encoded(bytes: Buffer, type: string): Loaded {
  if (!IMAGE_TYPES.has(type)) {
    return { problem: `is not an image (${type || 'unknown type'}): use a PNG, JPEG, GIF, WebP or SVG file` };
  }
  if (bytes.length > MAX_IMAGE_BYTES) {
    return { problem: `is ${Math.ceil(bytes.length / 1024)} KB; make it smaller than ${MAX_IMAGE_BYTES / 1024} KB` };
  }
  return { dataUrl: `data:${type};base64,${bytes.toString('base64')}` };
}

type Link = { question: string; choice: unknown; locale: string | undefined; url: string; set(v: string): void };

/** Every image link of every image picker's choices, plain or per locale, outside repeating templates too. */
function imagePickerLinks(node: unknown, out: Link[]) {
  if (Array.isArray(node)) {
    for (const child of node) imagePickerLinks(child, out);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const element = node as Record<string, unknown>;
  if (element.type === 'imagepicker' && Array.isArray(element.choices)) {
    for (const choice of element.choices) {
      if (!choice || typeof choice !== 'object') continue;
      const item = choice as Record<string, unknown>;
      const link = item.imageLink;
      const question = String(element.name);
      if (typeof link === 'string')
        out.push({ question, choice: item.value, locale: undefined, url: link, set: (v) => (item.imageLink = v) });
      else if (link && typeof link === 'object') {
        const localized = link as Record<string, unknown>;
        for (const [locale, url] of Object.entries(localized)) {
          if (typeof url === 'string')
            out.push({ question, choice: item.value, locale, url, set: (v) => (localized[locale] = v) });
        }
      }
    }
  }
  for (const key of ['pages', 'elements', 'questions', 'templateElements', 'detailElements'])
    imagePickerLinks(element[key], out);
}

/**
 * The survey with every image picker's images copied in as data: URLs. The respondent page loads
 * nothing from another host (its security policy), and SurveyJS disables an image choice whose
 * image does not load, so a linked image would leave the question unanswerable. Links are read
 * from http(s) or, relative to `baseDir`, from files; each one that cannot be read is a problem.
 */
export async function copyImagePickerImages(
  survey: Record<string, unknown>,
  baseDir: string,
  fetchImage: FetchImage,
): Promise<{ survey: Record<string, unknown>; copied: number; problems: string[] }> {
  const copy = structuredClone(survey);
  const links: Link[] = [];
  imagePickerLinks(copy, links);
  const loaded = new Map<string, Promise<Loaded>>();
  const problems: string[] = [];
  let copied = 0;
  for (const link of links) {
    if (link.url.startsWith('data:')) continue;
    const url = link.url;
    let load = loaded.get(url);
    if (!load) {
      load = /^https?:\/\//i.test(url) ? fromUrl(url, fetchImage) : fromFile(path.resolve(baseDir, url));
      loaded.set(url, load);
    }
    const result = await load;
    if ('problem' in result) {
      const where = `the image of choice ${JSON.stringify(link.choice)}${link.locale ? ` (${link.locale})` : ''}`;
      problems.push(`question "${link.question}": ${where}, ${url}, ${result.problem}`);
      continue;
    }
    link.set(result.dataUrl);
    copied++;
  }
  return { survey: copy, copied, problems };
}
