/** The server wants a token: ask for one. It is kept for this tab only (see ../session.ts). */
import { useState } from 'react';

export function LoginView({ problem, onToken }: { problem?: string; onToken: (token: string) => void }) {
  const [token, setToken] = useState('');
  return (
    <main className="login">
      <h1>Sky Manager</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (token.trim()) onToken(token.trim());
        }}
      >
        <label>
          Token
          <input type="password" name="token" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} autoFocus />
        </label>
        <button type="submit">Sign in</button>
        {problem ? (
          <p className="error" role="alert">
            {problem}
          </p>
        ) : null}
        <p className="muted">A bearer token of this server (its token file or your identity provider). It stays in this tab and is sent to this server only.</p>
      </form>
    </main>
  );
}
