/**
 * A namespace's default waiting policy, for its work that no queue takes (or whose queue sets
 * none): the annotation `sky.dev/waiting-policy`, as `COMPUTE budget=0.25`, `CONSTANT
 * coefficient=600`, `ZERO` or `INFINITE`. Checked when the namespace is written, so a bad value
 * is refused there rather than ignored later.
 */
import { WAITING_POLICY_SPEC, type WaitingPolicy } from '../domain/spec/waiting-policy-spec.js';

export const WAITING_POLICY_ANNOTATION = 'sky.dev/waiting-policy';

/** The policy the text gives, or the problem with it. */
export function parseWaitingPolicy(text: string): { policy: WaitingPolicy } | { problem: string } {
  const [name, ...settings] = text.trim().split(/\s+/);
  const input: Record<string, unknown> = { policy: name };
  for (const setting of settings) {
    const match = /^(coefficient|budget)=(.+)$/.exec(setting);
    if (!match) return { problem: `${JSON.stringify(setting)} is not coefficient=NUMBER or budget=NUMBER (as in "COMPUTE budget=0.25")` };
    const value = Number(match[2]);
    if (!Number.isFinite(value)) return { problem: `${match[1]}: ${JSON.stringify(match[2])} is not a number` };
    input[match[1]] = value;
  }
  const parsed = WAITING_POLICY_SPEC.safeParse(input);
  if (parsed.success) return { policy: parsed.data };
  const issue = parsed.error.issues[0];
  const path = issue.path.join('.');
  return { problem: path ? `${path}: ${issue.message}` : issue.message };
}

/** The namespace's policy, when its annotation gives a valid one. */
export function namespaceWaitingPolicy(annotations: Record<string, string> | undefined): WaitingPolicy | undefined {
  const text = annotations?.[WAITING_POLICY_ANNOTATION];
  if (text === undefined) return undefined;
  const parsed = parseWaitingPolicy(text);
  return 'policy' in parsed ? parsed.policy : undefined;
}
