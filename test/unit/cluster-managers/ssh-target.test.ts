import { describe, expect, it } from 'vitest';
import { describeTarget, parseSshTarget } from '../../../src/cluster-managers/ssh/target.js';

describe('parseSshTarget', () => {
  it('reads user@host with port 22 by default', () => {
    expect(parseSshTarget('alice@login.hpc.example.org')).toEqual({ user: 'alice', host: 'login.hpc.example.org', port: 22 });
  });

  it('reads a port, an IPv4 address and a bracketed IPv6 address', () => {
    expect(parseSshTarget('bob@10.0.0.5:2222')).toEqual({ user: 'bob', host: '10.0.0.5', port: 2222 });
    expect(parseSshTarget('root@[::1]:2200')).toEqual({ user: 'root', host: '::1', port: 2200 });
    expect(parseSshTarget('root@[fe80::1]')).toEqual({ user: 'root', host: 'fe80::1', port: 22 });
  });

  it.each([
    ['login', /has no user/],
    ['@login', /has no user/],
    ['alice@', /has no host/],
    ['alice@login:0', /invalid port "0"/],
    ['alice@login:65536', /invalid port "65536"/],
    ['alice@login:22x', /invalid port "22x"/],
    ['alice@login:', /invalid port ""/],
    ['al ice@login', /invalid user "al ice"/],
    ['-oProxyCommand=x@login', /invalid user/],
    ['alice@-oProxyCommand=x', /invalid host "-oProxyCommand=x"/],
    ['alice@log_in', /invalid host "log_in"/],
    ['alice@[::1', /unclosed/],
    ['alice@[login]:22', /invalid IPv6 address "login"/],
  ])('refuses %j naming the field', (value, why) => {
    expect(() => parseSshTarget(value)).toThrow(why);
    expect(() => parseSshTarget(value)).toThrow(/^spec\.slurm\.sshHost: /);
  });

  it('names the field it is given', () => {
    expect(() => parseSshTarget('x', 'SKY_SSH_HOST')).toThrow(/^SKY_SSH_HOST: "x" has no user; expected user@host/);
  });

  it('describes a target the way it is written', () => {
    expect(describeTarget(parseSshTarget('alice@login'))).toBe('alice@login');
    expect(describeTarget(parseSshTarget('root@[::1]:2200'))).toBe('root@[::1]:2200');
  });
});
