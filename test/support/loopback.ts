import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onTestFinished } from 'vitest';
import type { TestEnv } from './app.js';

/** The app on a real loopback port (closed when the test ends), for requests that must overlap or come from chosen addresses. */
export async function listenOnLoopback(app: TestEnv['app']): Promise<{ base: string; port: number }> {
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, port };
}

export type LoopbackResponse = {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
};

/**
 * One request whose socket is bound to `from` (127.0.0.2, 127.0.0.3, …: all of 127/8 is loopback
 * on Linux), so the server sees a real, distinct client address rather than a forged header.
 */
export function requestFrom(
  from: string,
  url: string,
  options: { method?: string; json?: unknown; headers?: Record<string, string> } = {},
): Promise<LoopbackResponse> {
  const body = options.json === undefined ? undefined : JSON.stringify(options.json);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: options.method ?? 'GET',
        localAddress: from,
        agent: false,
        headers: {
          ...(body === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }),
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // not JSON: keep the text
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
