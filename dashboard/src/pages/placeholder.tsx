/**
 * @module dashboard/pages/placeholder
 * The unknown-path page: it says where to go instead.
 */
import { Link } from "../components/link.js";

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
