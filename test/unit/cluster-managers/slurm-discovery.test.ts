/** The Slurm cluster list the controller manager registers clusters from. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSlurmClusterList, readSlurmClusterList } from '../../../src/cluster-managers/slurm/discovery.js';

describe('parseSlurmClusterList', () => {
  it('reads {clusters: [...]} with labels, slurm.conf, SSH host, slurmrestd URL and partition', () => {
    const text = [
      'clusters:',
      '  - name: hpc-a',
      '    labels: {site: campus}',
      '    slurmConf: /etc/slurm/hpc-a.conf',
      '    partition: gpu',
      '  - name: hpc-b',
      '    sshHost: alice@login.hpc-b.example.edu',
      '  - name: hpc-c',
      '    restUrl: https://slurm-c.example.edu:6820',
    ].join('\n');
    expect(parseSlurmClusterList(text)).toEqual([
      { name: 'hpc-a', labels: { site: 'campus' }, spec: { manager: 'SLURM', slurm: { slurmConf: '/etc/slurm/hpc-a.conf', partition: 'gpu' } } },
      { name: 'hpc-b', spec: { manager: 'SLURM', slurm: { sshHost: 'alice@login.hpc-b.example.edu' } } },
      { name: 'hpc-c', spec: { manager: 'SLURM', slurm: { restUrl: 'https://slurm-c.example.edu:6820' } } },
    ]);
  });

  it('reads a bare list, JSON, and an empty file', () => {
    expect(parseSlurmClusterList('- name: a\n  slurmConf: /a.conf\n')).toEqual([{ name: 'a', spec: { manager: 'SLURM', slurm: { slurmConf: '/a.conf' } } }]);
    expect(parseSlurmClusterList('{"clusters": [{"name": "b"}]}')).toEqual([{ name: 'b', spec: { manager: 'SLURM', slurm: {} } }]);
    expect(parseSlurmClusterList('')).toEqual([]);
  });

  it('names the file and the field of what is wrong', () => {
    const bad = (text: string) => () => parseSlurmClusterList(text, 'slurm.yaml');
    expect(bad('clusters:\n  - slurmConf: /a.conf\n')).toThrow('slurm.yaml: clusters[0].name: is required');
    expect(bad('clusters:\n  - name: Bad_Name\n')).toThrow(/^slurm\.yaml: clusters\[0\]\.name: must be a DNS-1123 label/);
    expect(bad('clusters:\n  - name: a\n  - name: b\n    slurmconf: /b.conf\n')).toThrow('slurm.yaml: clusters[1]: unknown field(s) slurmconf');
    expect(bad('clusters:\n  - name: a\n    partition: ""\n')).toThrow('slurm.yaml: clusters[0].partition: partition must not be empty');
    expect(bad('clusters:\n  - name: a\n    labels: {x: 1}\n')).toThrow('slurm.yaml: clusters[0].labels.x: label values must be strings');
    expect(bad('- name: a\n- name: a\n')).toThrow('slurm.yaml: [1].name: "a" is also the name of entry 0');
    expect(bad('clusters: [name: a')).toThrow(/^slurm\.yaml: not valid YAML/);
    expect(bad('hosts: []')).toThrow('slurm.yaml: clusters: is required: a list of clusters');
    expect(bad('clusters: []\nhosts: []')).toThrow('slurm.yaml: unknown field(s) hosts');
    expect(bad('clusters: hpc')).toThrow('slurm.yaml: clusters: must be a list of clusters');
  });
});

describe('readSlurmClusterList', () => {
  it('reads the file, and says which one it cannot read', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sky-slurm-list-'));
    try {
      const file = path.join(dir, 'slurm.yaml');
      await writeFile(file, 'clusters:\n  - name: hpc\n    slurmConf: /etc/slurm/slurm.conf\n');
      expect(await readSlurmClusterList(file)).toEqual([{ name: 'hpc', spec: { manager: 'SLURM', slurm: { slurmConf: '/etc/slurm/slurm.conf' } } }]);
      await expect(readSlurmClusterList(path.join(dir, 'missing.yaml'))).rejects.toThrow(`cannot read the Slurm cluster list ${path.join(dir, 'missing.yaml')}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
