/**
 * A kubeconfig with two contexts ("prod_us-east1", "Staging") whose API server never answers
 * (port 9 is "discard"; nothing listens there), for discovery tests. `token` is the user's
 * secret, which must never reach the API.
 */
import { writeFile } from 'node:fs/promises';

export async function writeUnreachableKubeconfig(path: string, token: string): Promise<void> {
  await writeFile(
    path,
    `apiVersion: v1
kind: Config
current-context: prod_us-east1
clusters:
  - name: prod
    cluster: { server: 'https://127.0.0.1:9', insecure-skip-tls-verify: true }
users:
  - name: admin
    user: { token: ${token} }
contexts:
  - name: prod_us-east1
    context: { cluster: prod, user: admin }
  - name: Staging
    context: { cluster: prod, user: admin }
`,
  );
}
