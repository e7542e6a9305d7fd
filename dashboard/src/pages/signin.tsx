/**
 * @module dashboard/pages/signin
 * Sign in with a token: `GET /whoami` with it says its scope; then it is stored for the tab
 * and the dashboard goes back where it was sent from.
 */
import { useState, type FormEvent } from "react";
import { createApi, type Whoami } from "../api/client.js";
import { ErrorState } from "../components/states.js";
import { useServices } from "../context.js";

/** The sign-in page; `next` is where to go after. */
export function SignInPage({ next }: { next: string | null }) {
  const { signIn, router, session } = useServices();
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const entry = new FormData(e.currentTarget).get("token");
    const token = typeof entry === "string" ? entry.trim() : "";
    setBusy(true);
    setError(null);
    createApi({ token: () => token })
      .call<Whoami>("GET", "/whoami")
      .then(
        (who) => {
          signIn(token, { scope: who.scope, auth: who.auth });
          router.navigate(next?.startsWith("/") ? next : "/", { replace: true });
        },
        (err: unknown) => {
          setBusy(false);
          setError(err instanceof Error ? err : new Error(String(err)));
        },
      );
  };
  return (
    <section className="signin" aria-labelledby="signin-title">
      <h1 id="signin-title">Sign in</h1>
      {session ? (
        <p>
          Signed in with a {session.scope}{" "}
          {session.auth === "token" ? "token" : "(open loopback) session"}.{" "}
          <button type="button" onClick={() => signIn(null, null)}>
            Sign out
          </button>
        </p>
      ) : null}
      <p>
        Paste a token made with <code>kairos tokens create --scope read</code> (or{" "}
        <code>--scope write</code> to act on jobs). It is kept for this tab only.
      </p>
      <form data-testid="signin" onSubmit={submit}>
        <label>
          Token{" "}
          <input
            name="token"
            type="password"
            autoComplete="off"
            required
            placeholder="kairos_…"
            autoFocus
          />
        </label>
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
      {error ? <ErrorState error={error} title="That token was not accepted" /> : null}
    </section>
  );
}
