/** The console: sign in when the server asks for a token, then the views under one bar. */
import { useCallback, useEffect, useState } from 'react';
import { UnauthenticatedError } from '../domain/errors.js';
import { forgetToken, openSession, storedToken, storeToken, type Session } from './session.js';
import { useRoute } from './hooks.js';
import { hrefOf, type Route } from './route.js';
import { ApplyView } from './views/apply.js';
import { ClustersView } from './views/clusters.js';
import { LoginView } from './views/login.js';
import { QueuesView } from './views/queues.js';
import { WorkloadView } from './views/workload.js';
import { WorkloadsView } from './views/workloads.js';

type State = { step: 'connecting' } | { step: 'login'; problem?: string } | { step: 'ready'; session: Session } | { step: 'down'; problem: string };

const NAV: { label: string; route: Route }[] = [
  { label: 'Clusters', route: { view: 'clusters' } },
  { label: 'Queues', route: { view: 'queues' } },
  { label: 'Jobs', route: { view: 'workloads', kind: 'Job' } },
  { label: 'Deployments', route: { view: 'workloads', kind: 'Deployment' } },
  { label: 'Apply YAML', route: { view: 'apply' } },
];

function View({ route, session }: { route: Route; session: Session }) {
  const { client } = session;
  switch (route.view) {
    case 'clusters':
      return <ClustersView client={client} />;
    case 'queues':
      return <QueuesView client={client} />;
    case 'workloads':
      return <WorkloadsView key={route.kind} client={client} kind={route.kind} />;
    case 'workload':
      return <WorkloadView client={client} kind={route.kind} namespace={route.namespace} name={route.name} />;
    case 'apply':
      return <ApplyView client={client} />;
  }
}

const isCurrent = (nav: Route, route: Route) =>
  nav.view === 'workloads' ? (route.view === 'workloads' || route.view === 'workload') && route.kind === nav.kind : nav.view === route.view;

export function App() {
  const [state, setState] = useState<State>({ step: 'connecting' });
  const route = useRoute();

  const connect = useCallback(async (token: string | undefined) => {
    setState({ step: 'connecting' });
    try {
      const session = await openSession(token);
      if (token) storeToken(token);
      setState({ step: 'ready', session });
    } catch (error) {
      if (error instanceof UnauthenticatedError) {
        forgetToken();
        setState({ step: 'login', problem: token ? error.message : undefined });
      } else {
        setState({ step: 'down', problem: (error as Error).message });
      }
    }
  }, []);

  useEffect(() => void connect(storedToken()), [connect]);

  if (state.step === 'connecting') return <p className="muted center">Connecting…</p>;
  if (state.step === 'login') return <LoginView problem={state.problem} onToken={(token) => void connect(token)} />;
  if (state.step === 'down')
    return (
      <p className="error center" role="alert">
        The API server does not answer: {state.problem} <button onClick={() => void connect(storedToken())}>Try again</button>
      </p>
    );

  const { session } = state;
  const signOut = async () => {
    forgetToken();
    await session.client.close();
    setState({ step: 'login' });
  };
  return (
    <>
      <header className="topbar">
        <span className="brand">Sky Manager</span>
        <nav>
          {NAV.map((n) => (
            <a key={n.label} href={hrefOf(n.route)} aria-current={isCurrent(n.route, route) ? 'page' : undefined}>
              {n.label}
            </a>
          ))}
        </nav>
        <span className="user" data-field="user">
          {session.user.authenticated ? session.user.username : 'open server (no authentication)'}
          {session.user.authenticated ? (
            <button className="link" onClick={signOut}>
              Sign out
            </button>
          ) : null}
        </span>
      </header>
      <main className="content">
        <View route={route} session={session} />
      </main>
    </>
  );
}
