/**
 * A Slurm cluster's controller through slurmrestd (spec.slurm.restUrl): the same nodes, jobs,
 * submit and cancel as the commands, over openapi/v0.0.38, the API of Slurm 22.05 (23.02 serves it
 * too; 23.11 dropped it). The job and node documents are those `squeue --json` and `sinfo --json`
 * print, so parse.ts reads both.
 *
 * Every request carries the JWT of rest-token.ts (X-SLURM-USER-NAME and X-SLURM-USER-TOKEN) and
 * has a timeout. A failure is a SlurmCommandError whose message names the URL and what went wrong
 * (unreachable, token refused, slurmctld's errors), which the cluster controller shows as the
 * cluster's ERROR reason.
 */
import { batchScript, restJobProperties, type SubmissionSpec } from './batch.js';
import { isFinishedError, SlurmCommandError, type SlurmControl } from './commands.js';
import { parseJson, parseSinfoJson, parseSqueueJson, type SlurmJob, type SlurmNode } from './parse.js';
import type { SlurmRestToken } from './rest-token.js';

export const SLURM_REST_API = '/slurm/v0.0.38';

/** A REST job has no submitting shell to inherit; the batch script sets the rest. */
const DEFAULT_JOB_ENVIRONMENT = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' };
const DEFAULT_TIMEOUT_MS = 30_000;

export interface SlurmRestClientOptions {
  /** slurmrestd's base URL (spec.slurm.restUrl). */
  url: string;
  token: SlurmRestToken;
  timeoutMs?: number;
  /** The jobs' environment (v0.0.38 requires one). */
  jobEnvironment?: Record<string, string>;
}

type Method = 'GET' | 'POST' | 'DELETE';

export class SlurmRestClient implements SlurmControl {
  readonly describe: string;
  private readonly base: string;

  constructor(private readonly options: SlurmRestClientOptions) {
    this.base = options.url.replace(/\/+$/, '');
    this.describe = `slurmrestd ${this.base}`;
  }

  async nodes(): Promise<SlurmNode[]> {
    return parseSinfoJson(await this.call('GET', '/nodes'), this.shown('GET', '/nodes'));
  }

  async jobs(): Promise<SlurmJob[]> {
    return parseSqueueJson(await this.call('GET', '/jobs'), this.shown('GET', '/jobs'));
  }

  async submit(spec: SubmissionSpec): Promise<string> {
    const body = { script: batchScript(spec), job: restJobProperties(spec, this.options.jobEnvironment ?? DEFAULT_JOB_ENVIRONMENT) };
    const shown = this.shown('POST', '/job/submit');
    const answer = this.json(await this.call('POST', '/job/submit', body), shown);
    const id = answer.job_id;
    if (typeof id !== 'number' || !Number.isInteger(id)) throw new SlurmCommandError(`${shown}: no job id in the answer`, 'sbatch', null, '');
    return String(id);
  }

  /** One DELETE per id (array expressions such as "12_[3-5]" included); each tried even when one fails. */
  async cancel(ids: readonly string[]): Promise<void> {
    const failures: unknown[] = [];
    for (const id of ids) {
      const path = `/job/${encodeURIComponent(id)}`;
      try {
        this.json(await this.call('DELETE', path), this.shown('DELETE', path));
      } catch (error) {
        if (!isFinishedError(error)) failures.push(error);
      }
    }
    if (failures.length > 0) throw failures[0];
  }

  private shown(method: Method, path: string): string {
    return `${this.describe}: ${method} ${SLURM_REST_API}${path}`;
  }

  /** The answer's JSON; slurmctld's errors in it become a SlurmCommandError naming the request. */
  private json(text: string, shown: string): Record<string, unknown> {
    try {
      return parseJson(text, shown);
    } catch (error) {
      throw new SlurmCommandError((error as Error).message, shown, null, '');
    }
  }

  private async call(method: Method, path: string, body?: unknown): Promise<string> {
    const shown = this.shown(method, path);
    let credentials;
    try {
      credentials = await this.options.token.credentials();
    } catch (error) {
      throw new SlurmCommandError(`${this.describe}: ${(error as Error).message}`, shown, null, '');
    }
    let response: Response;
    try {
      response = await fetch(`${this.base}${SLURM_REST_API}${path}`, {
        method,
        headers: {
          'X-SLURM-USER-NAME': credentials.user,
          'X-SLURM-USER-TOKEN': credentials.token,
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      });
    } catch (error) {
      throw new SlurmCommandError(`${shown}: ${failureOf(error, this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS)}`, shown, null, '');
    }
    const text = await response.text();
    if (response.status === 401 || (!response.ok && /^Authentication failure/.test(text))) {
      throw new SlurmCommandError(
        `${shown}: the token in ${this.options.token.file} for user ${credentials.user} was refused (expired, or not signed with the cluster's jwt_key?)`,
        shown,
        null,
        text,
      );
    }
    if (response.status === 404 && !text.trimStart().startsWith('{')) {
      throw new SlurmCommandError(`${shown}: not found; this slurmrestd does not serve openapi/v0.0.38 (Slurm 22.05's; start it with -s openapi/v0.0.38)`, shown, null, text);
    }
    if (response.ok) return text;
    // slurmctld's own errors come as JSON; anything else is slurmrestd's or a proxy's.
    if (!text.trimStart().startsWith('{')) throw new SlurmCommandError(`${shown}: HTTP ${response.status} ${text.trim().slice(0, 200)}`, shown, null, text);
    let message: string;
    try {
      parseJson(text, shown);
      message = `${shown}: HTTP ${response.status}`;
    } catch (error) {
      message = (error as Error).message;
    }
    if (/Unspecified error/.test(message)) {
      message += ` (slurmrestd 22.05 says so both when slurmctld cannot be reached and when it refuses the token in ${this.options.token.file})`;
    }
    throw new SlurmCommandError(message, shown, null, text);
  }
}

/** "ECONNREFUSED", "no answer within 30000 ms", ... from what fetch threw. */
function failureOf(error: unknown, timeoutMs: number): string {
  const e = error as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  return e.cause?.code ?? e.cause?.message ?? e.message;
}
