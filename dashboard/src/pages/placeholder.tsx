/**
 * @module dashboard/pages/placeholder
 * A page not built yet, and the unknown-path page: both say where to go instead.
 */
import { Link } from "../components/link.js";

/** A route whose page is still to come. */
export function PlaceholderPage({ title }: { title: string }) {
  return (
    <section>
      <h1>{title}</h1>
      <p className="state state-empty">
        This page is not built yet. Meanwhile: <code>kairos --help</code> lists the CLI commands
        that show it.
      </p>
    </section>
  );
}

/** No page at this path. */
export function NotFoundPage({ path }: { path: string }) {
  return (
    <section>
      <h1>Not found</h1>
      <p className="state state-empty">
        Nothing lives at <code>{path}</code>. Go to the <Link to="/">overview</Link> or the{" "}
        <Link to="/jobs">jobs</Link>.
      </p>
    </section>
  );
}
