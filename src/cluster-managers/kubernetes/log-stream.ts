/**
 * Follows one container's log over the pod log API (`GET .../pods/NAME/log?follow=true`), line by
 * line. Written on node:https rather than client-node's Log class: that one pipes a node-fetch
 * body which emits 'error' with no listener when the request is aborted or the API server goes
 * away mid-stream, and an unhandled 'error' would take the controller manager down.
 */
import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { KubernetesError } from './errors.js';

export interface FollowRequest {
  namespace: string;
  pod: string;
  container: string;
  tail?: number;
}

/**
 * Calls `onLine` for every line until the container's log ends (it exited), the signal aborts or
 * the connection drops; resolves then, after the last (even unterminated) line. Rejects when the
 * API server answers with an error, e.g. 400 while the container has not started.
 */
export async function followPodLog(kubeConfig: KubeConfig, request: FollowRequest, onLine: (line: string) => void, signal: AbortSignal): Promise<void> {
  const server = kubeConfig.getCurrentCluster()?.server;
  if (!server) throw new Error('the kubeconfig has no current cluster');
  const url = new URL(`${server.replace(/\/+$/, '')}/api/v1/namespaces/${request.namespace}/pods/${request.pod}/log`);
  url.searchParams.set('container', request.container);
  url.searchParams.set('follow', 'true');
  if (request.tail !== undefined) url.searchParams.set('tailLines', String(request.tail));
  const options: https.RequestOptions = {};
  await kubeConfig.applyToHTTPSOptions(options);
  if (signal.aborted) return;
  const transport = url.protocol === 'https:' ? https : http;

  return new Promise<void>((resolve, reject) => {
    const req = transport.request(url, { ...options, method: 'GET', signal }, (res) => {
      res.setEncoding('utf8');
      if (res.statusCode !== 200) {
        let body = '';
        res.on('data', (chunk: string) => (body += chunk));
        res.on('error', () => undefined);
        res.on('close', () => {
          let message = body.trim();
          try {
            message = (JSON.parse(body) as { message?: string }).message ?? message;
          } catch {
            // Not a Status: the text itself.
          }
          reject(new KubernetesError(`${res.statusCode}: ${message}`, res.statusCode));
        });
        return;
      }
      let partial = '';
      res.on('data', (chunk: string) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop()!;
        for (const line of lines) onLine(line);
      });
      // A cut stream (abort, dropped connection) ends the follow with what it delivered.
      res.on('error', () => undefined);
      res.on('close', () => {
        if (partial) onLine(partial);
        resolve();
      });
    });
    req.on('error', (error) => (signal.aborted ? resolve() : reject(error)));
    req.end();
  });
}
