import { describe, expect, it } from 'vitest';
import { MANAGER_CAPABILITIES, unsupportedKind } from '../../../src/domain/manager-capabilities.js';

describe('manager capabilities', () => {
  it('Slurm runs Jobs only; the others run both kinds', () => {
    expect(unsupportedKind('SLURM', 'Job')).toBeUndefined();
    expect(unsupportedKind('SLURM', 'Deployment')).toBe('SLURM clusters do not run Deployments');
    expect(unsupportedKind('LOCAL', 'Deployment')).toBeUndefined();
    expect(unsupportedKind('KUBERNETES', 'Deployment')).toBeUndefined();
  });

  it('only Kubernetes runs images', () => {
    expect(MANAGER_CAPABILITIES.KUBERNETES.usesImage).toBe(true);
    expect(MANAGER_CAPABILITIES.LOCAL.usesImage).toBe(false);
    expect(MANAGER_CAPABILITIES.SLURM.usesImage).toBe(false);
  });
});
