/**
 * The JWT a cluster's slurmrestd is called with (auth/jwt), read from a file on the controller
 * machine: never from the API. SKY_SLURM_JWT_FILE names it; `{cluster}` in the name stands for the
 * Sky cluster's name, so one setting serves clusters with tokens of their own
 * (`/etc/sky/jwt/{cluster}.jwt`).
 *
 * The file is read again whenever it changes (size or mtime), so a cron job that renews tokens
 * (`scontrol token lifespan=...`) needs no restart. Its content is the token, or the
 * `SLURM_JWT=<token>` line scontrol prints. The user name slurmrestd also wants is SKY_SLURM_USER,
 * or else the `sun` claim Slurm's own tokens carry.
 *
 * Whoever may write a Cluster chooses its restUrl, and so where its token goes. SKY_SLURM_REST_HOSTS
 * (hosts or host:port, comma-separated) limits that to the site's slurmrestds.
 */
import { readFile, stat } from 'node:fs/promises';

export interface SlurmRestCredentials {
  token: string;
  user: string;
  /** The `exp` claim, seconds since the epoch, when the token has one. */
  expires?: number;
}

export interface SlurmRestTokenOptions {
  /** The file's name, `{cluster}` already replaced. */
  file: string;
  /** Overrides the token's `sun` claim. */
  user?: string;
}

export class SlurmRestTokenError extends Error {}

export class SlurmRestToken {
  private cached: { size: number; mtimeMs: number; credentials: SlurmRestCredentials } | undefined;

  constructor(private readonly options: SlurmRestTokenOptions) {}

  get file(): string {
    return this.options.file;
  }

  async credentials(): Promise<SlurmRestCredentials> {
    const { file } = this.options;
    let info;
    try {
      info = await stat(file);
    } catch (error) {
      throw new SlurmRestTokenError(`cannot read the slurmrestd token ${file} (SKY_SLURM_JWT_FILE): ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    if (!this.cached || this.cached.size !== info.size || this.cached.mtimeMs !== info.mtimeMs) {
      this.cached = { size: info.size, mtimeMs: info.mtimeMs, credentials: parseTokenFile(await readFile(file, 'utf8'), file, this.options.user) };
    }
    const { credentials } = this.cached;
    // Said here, plainly: slurmrestd 22.05 answers an expired token with "Unspecified error".
    if (credentials.expires !== undefined && credentials.expires * 1000 <= Date.now()) {
      throw new SlurmRestTokenError(`the token in ${file} expired at ${new Date(credentials.expires * 1000).toISOString()}; renew it (scontrol token lifespan=SECONDS)`);
    }
    return credentials;
  }
}

/** The token in a file's text, and the user it is for. */
export function parseTokenFile(text: string, file: string, user?: string): SlurmRestCredentials {
  const token = text.trim().replace(/^SLURM_JWT=/, '');
  const parts = token.split('.');
  if (token === '' || /\s/.test(token) || parts.length !== 3) {
    throw new SlurmRestTokenError(`${file} does not hold a JWT (three dot-separated parts, as \`scontrol token\` prints)`);
  }
  let claims: { sun?: unknown; exp?: unknown } = {};
  try {
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as typeof claims;
  } catch {
    if (!user) throw new SlurmRestTokenError(`${file}: the JWT's payload is not JSON; set SKY_SLURM_USER to the Slurm user it is for`);
  }
  const expires = typeof claims.exp === 'number' && Number.isFinite(claims.exp) ? { expires: claims.exp } : {};
  if (user) return { token, user, ...expires };
  if (typeof claims.sun !== 'string' || claims.sun === '') {
    throw new SlurmRestTokenError(`${file}: the JWT names no user (no "sun" claim); set SKY_SLURM_USER to the Slurm user it is for`);
  }
  return { token, user: claims.sun, ...expires };
}

/** The token of one cluster from the controller machine's environment; undefined when SKY_SLURM_JWT_FILE is unset. */
export function slurmRestTokenFromEnv(cluster: string, env: NodeJS.ProcessEnv = process.env): SlurmRestToken | undefined {
  const file = env.SKY_SLURM_JWT_FILE?.trim();
  if (!file) return undefined;
  return new SlurmRestToken({ file: file.replaceAll('{cluster}', cluster), user: env.SKY_SLURM_USER?.trim() || undefined });
}

/**
 * Why a token must not be sent to `restUrl` (its host is not among SKY_SLURM_REST_HOSTS), or
 * undefined when it may (the setting unset: any host).
 */
export function restHostProblem(restUrl: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const allowed = (env.SKY_SLURM_REST_HOSTS ?? '')
    .split(',')
    .map((entry) => entry.trim().toLowerCase())
    .filter(Boolean);
  if (allowed.length === 0) return undefined;
  const url = new URL(restUrl);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const host = url.hostname.toLowerCase();
  if (allowed.includes(host) || allowed.includes(`${host}:${port}`)) return undefined;
  return `spec.slurm.restUrl: ${url.host} is not among SKY_SLURM_REST_HOSTS (${allowed.join(', ')}) on the controller machine; its token is not sent there`;
}
