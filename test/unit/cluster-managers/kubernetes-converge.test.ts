import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { converge } from '../../../src/cluster-managers/kubernetes/converge.js';
import type { PatchOperation } from '../../../src/cluster-managers/kubernetes/manifest-changes.js';
import type { KindClient, MemberObject } from '../../../src/cluster-managers/kubernetes/member-objects.js';
import { job } from './kubernetes-fixtures.js';

const apiError = (code: number) => new ApiException(code, 'x', JSON.stringify({ kind: 'Status', code, message: `code ${code}` }), {});

/** A KindClient over one slot, answering from a script of what `read` finds. */
function fakeClient(reads: (MemberObject | Error | undefined)[], create: () => Promise<MemberObject> = async () => job({ completions: 1 })) {
  const calls: string[] = [];
  const client: KindClient = {
    kind: 'Job',
    read: async () => {
      calls.push('read');
      const next = reads.shift();
      if (next instanceof Error) throw next;
      if (!next) throw apiError(404);
      return next;
    },
    create: async () => {
      calls.push('create');
      return create();
    },
    patch: async (_ns, _name, body: PatchOperation[]) => {
      calls.push(`patch ${body.map((o) => o.path).join(',')}`);
      return job({ completions: 1 });
    },
    delete: async (_ns, _name, uid) => {
      calls.push(`delete ${uid}`);
    },
  };
  return { client, calls };
}

const desired = job({ completions: 2 });
const scale: PatchOperation[] = [{ op: 'replace', path: '/spec/completions', value: 2 }];

describe('converge', () => {
  it('creates the object when it is absent', async () => {
    const { client, calls } = fakeClient([undefined]);
    await converge(client, desired, { cluster: 'east', changes: () => scale, onNamespaceGone: () => undefined });
    expect(calls).toEqual(['read', 'create']);
  });

  it('patches what differs on this workload’s object, and does nothing when nothing does', async () => {
    const patched = fakeClient([job({ completions: 1 })]);
    await converge(patched.client, desired, { cluster: 'east', changes: () => scale, onNamespaceGone: () => undefined });
    expect(patched.calls).toEqual(['read', 'patch /spec/completions']);
    const same = fakeClient([job({ completions: 2 })]);
    await converge(same.client, desired, { cluster: 'east', changes: () => [], onNamespaceGone: () => undefined });
    expect(same.calls).toEqual(['read']);
  });

  it('replaces an object a deleted same-named workload left, then creates', async () => {
    const { client, calls } = fakeClient([job({ completions: 1, uid: 'older-uid' }), undefined]);
    await converge(client, desired, { cluster: 'east', changes: () => scale, onNamespaceGone: () => undefined });
    expect(calls).toEqual(['read', 'delete member-hello', 'read', 'create']);
  });

  it('leaves alone what Sky did not make, and says so', async () => {
    const foreign = job({ completions: 1 });
    delete foreign.metadata!.labels!['sky.dev/managed-by'];
    const { client, calls } = fakeClient([foreign]);
    await expect(converge(client, desired, { cluster: 'east', changes: () => scale, onNamespaceGone: () => undefined })).rejects.toThrow(
      "cluster 'east': Job default/hello exists and was not made by Sky Manager; it is left alone",
    );
    expect(calls).toEqual(['read']);
  });

  it('reads again after a create that met a concurrent one, and tells when the namespace is gone', async () => {
    const raced = fakeClient([undefined, job({ completions: 2 })], async () => {
      throw apiError(409);
    });
    await converge(raced.client, desired, { cluster: 'east', changes: () => [], onNamespaceGone: () => undefined });
    expect(raced.calls).toEqual(['read', 'create', 'read']);

    const gone: string[] = [];
    const noNamespace = fakeClient([undefined], async () => {
      throw apiError(404);
    });
    await expect(converge(noNamespace.client, desired, { cluster: 'east', changes: () => [], onNamespaceGone: (ns) => gone.push(ns) })).rejects.toThrow(
      "cluster 'east': create Job default/hello: 404",
    );
    expect(gone).toEqual(['default']);
  });
});
