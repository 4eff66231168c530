import { parentPort } from 'node:worker_threads';
import type { Answers } from './answers.js';
import { judgeCompletion } from './completion.js';
import type { HostValues } from './hostVariables.js';
import { atSurveyTime } from './surveyClock.js';

/**
 * A validation thread (see validationPool.ts). The survey JSON of an instrument is sent with the
 * first job that needs it and kept by key; each job gets fresh SurveyJS models, so no answer of
 * one respondent can leak into another's validation.
 */
export type ValidationJob = {
  id: number;
  key: string;
  survey?: Record<string, unknown>;
  answers: Answers;
  host: HostValues;
  /** The server clock's time when the job was asked for (epoch ms): SurveyJS's today() and kin read it. */
  now: number;
};
export type ValidationReply =
  | { id: number; verdict: ReturnType<typeof judgeCompletion> }
  | { id: number; failure: string };

const port = parentPort;
if (!port) throw new Error('validationWorker.ts runs only as a worker thread');
const surveys = new Map<string, Record<string, unknown>>();

port.on('message', (job: ValidationJob) => {
  if (job.survey) surveys.set(job.key, job.survey);
  const survey = surveys.get(job.key);
  let reply: ValidationReply;
  try {
    if (!survey) throw new Error(`no survey for ${job.key}`);
    const verdict = atSurveyTime(new Date(job.now), () => judgeCompletion({ survey }, job.answers, job.host));
    reply = { id: job.id, verdict };
  } catch (err) {
    // The class only: a message could quote answers.
    reply = { id: job.id, failure: err instanceof Error ? err.name : typeof err };
  }
  port.postMessage(reply);
});
port.postMessage({ ready: true });
