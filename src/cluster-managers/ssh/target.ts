/**
 * Where a cluster's login node is: spec.slurm.sshHost, `user@host[:port]`. The host is a name, an
 * IPv4 address, or an IPv6 address in brackets (`user@[::1]:2222`). The user is required: the
 * controller machine's login name rarely is the cluster account's.
 */

export interface SshTarget {
  user: string;
  host: string;
  port: number;
}

const USER = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;
const HOST = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;
const IPV6 = /^[0-9A-Fa-f:.]+$/;

/** Parses `user@host[:port]`; the error names `field` and says what is accepted. */
export function parseSshTarget(value: string, field = 'spec.slurm.sshHost'): SshTarget {
  const bad = (why: string) => new Error(`${field}: "${value}" ${why}; expected user@host or user@host:port (port 1-65535, IPv6 in brackets: user@[::1]:22)`);
  const at = value.lastIndexOf('@');
  if (at <= 0) throw bad('has no user');
  const user = value.slice(0, at);
  if (!USER.test(user)) throw bad(`has an invalid user "${user}"`);
  let rest = value.slice(at + 1);
  let host: string;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) throw bad('has an unclosed "["');
    host = rest.slice(1, close);
    if (!IPV6.test(host) || !host.includes(':')) throw bad(`has an invalid IPv6 address "${host}"`);
    rest = rest.slice(close + 1);
  } else {
    const colon = rest.indexOf(':');
    host = colon < 0 ? rest : rest.slice(0, colon);
    rest = colon < 0 ? '' : rest.slice(colon);
    if (!HOST.test(host)) throw bad(host ? `has an invalid host "${host}"` : 'has no host');
  }
  let port = 22;
  if (rest) {
    const digits = /^:(\d{1,5})$/.exec(rest);
    port = digits ? Number(digits[1]) : NaN;
    if (!(port >= 1 && port <= 65535)) throw bad(`has an invalid port "${rest.slice(1)}"`);
  }
  return { user, host, port };
}

/** `user@host:port` again, for messages. */
export function describeTarget(target: SshTarget): string {
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  return `${target.user}@${host}${target.port === 22 ? '' : `:${target.port}`}`;
}
