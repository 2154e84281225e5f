/** React's view of the live data: lists, single objects, access answers. */
import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { ResourceAPI, type ListOptions } from '../client/api.js';
import type { SkyClient } from '../client/connection.js';
import type { Kind } from '../domain/kinds.js';
import type { ObjectsByKind } from '../domain/types.js';
import { AuthAPI, type AccessQuestion } from '../client/auth-api.js';
import { LiveList, type LiveSnapshot, type Schedule } from './model/live-list.js';
import { parseRoute, type Route } from './route.js';
import { LiveObject, type LiveObjectState } from './model/live-object.js';

const nextFrame: Schedule = (flush) => requestAnimationFrame(() => flush());

/** Where the page is (the URL's fragment), following the browser's back and forward. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const changed = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return route;
}

/** Every object of `kind` (all namespaces for a namespaced kind), live. */
export function useLiveList<K extends Kind>(client: SkyClient, kind: K, scope: ListOptions = { allNamespaces: true }): LiveSnapshot<ObjectsByKind[K]> {
  const key = JSON.stringify(scope);
  const list = useMemo(() => new LiveList<ObjectsByKind[K]>(new ResourceAPI(kind, { client }), scope, nextFrame), [client, kind, key]);
  useEffect(() => () => void list.stop(), [list]);
  return useSyncExternalStore(list.subscribe, list.snapshot);
}

/** One object, live; `object` undefined while loading or once deleted (then `deleted` is true). */
export function useLiveObject<K extends Kind>(client: SkyClient, kind: K, namespace: string | undefined, name: string): LiveObjectState<ObjectsByKind[K]> {
  const live = useMemo(() => new LiveObject<ObjectsByKind[K]>(new ResourceAPI(kind, { client, namespace }), name), [client, kind, namespace, name]);
  useEffect(() => () => live.stop(), [live]);
  return useSyncExternalStore(live.subscribe, live.snapshot);
}

/** Whether the user may do it (asked once per question); undefined while the server has not answered. */
export function useAccess(client: SkyClient, question: AccessQuestion): { allowed: boolean; reason: string } | undefined {
  const key = JSON.stringify(question);
  const [answer, setAnswer] = useState<{ allowed: boolean; reason: string }>();
  useEffect(() => {
    let current = true;
    setAnswer(undefined);
    new AuthAPI({ client }).canI(question).then(
      (a) => current && setAnswer(a),
      (e: Error) => current && setAnswer({ allowed: false, reason: e.message }),
    );
    return () => void (current = false);
  }, [client, key]);
  return answer;
}
