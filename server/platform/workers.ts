import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread from a module beside the caller: the compiled .js next to it, or under
 * the test runner (which runs the TypeScript sources) the .ts file loaded through tsx's loader.
 * `callerUrl` is the caller's import.meta.url, `name` the worker module's name without extension.
 */
export function startWorker(callerUrl: string, name: string, options: WorkerOptions = {}): Worker {
  const here = fileURLToPath(callerUrl);
  if (here.endsWith('.js')) return new Worker(new URL(`./${name}.js`, callerUrl), options);
  // require.resolve finds tsx's CommonJS build; its loader must be registered from the ES module one.
  const tsxApi = createRequire(callerUrl)
    .resolve('tsx/esm/api')
    .replace(/\.cjs$/, '.mjs');
  const tsx = pathToFileURL(tsxApi).href;
  const entry = new URL(`./${name}.ts`, callerUrl).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}

/**
 * Runs a worker module once over `workerData` and resolves with the first message it posts; the
 * thread is ended after it. For CPU-bound work on an upload, so that the event loop keeps answering
 * others meanwhile. Any failure of the thread (an error, running out of its memory limit, exiting
 * without an answer) rejects with `failure()`: the caller's own, user-facing error.
 */
export function runInThread<T>(
  callerUrl: string,
  name: string,
  workerData: unknown,
  options: { maxOldGenerationSizeMb: number; failure: () => Error },
): Promise<T> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const worker = startWorker(callerUrl, name, {
      workerData,
      resourceLimits: { maxOldGenerationSizeMb: options.maxOldGenerationSizeMb },
    });
    const fail = () => {
      if (settled) return;
      settled = true;
      reject(options.failure());
    };
    worker.once('message', (result: T) => {
      settled = true;
      resolve(result);
      void worker.terminate();
    });
    worker.once('error', fail);
    worker.once('exit', fail);
  });
}
