/**
 * @module dashboard/pages/jobs-search
 * The jobs list's text search: an input whose text goes into the URL (`/jobs?q=...`) 300 ms
 * after the last keystroke, as a new history entry (so Back returns to the previous search),
 * keeping the state and function filters and starting again from the newest page. Back and
 * deep links set the input from the URL.
 */
import { useEffect, useRef, useState } from "react";
import { useServices } from "../context.js";

/** How long typing must pause before the search runs. */
export const SEARCH_DEBOUNCE_MS = 300;

/** The search input of the jobs page; `onSearch` is told when it changes the URL. */
export function SearchBox({ query, onSearch }: { query: URLSearchParams; onSearch: () => void }) {
  const { router } = useServices();
  const current = query.get("q") ?? "";
  // Strings and a ref, so that a re-render (a live update) does not restart the wait.
  const others = query.toString();
  const told = useRef(onSearch);
  told.current = onSearch;
  const [text, setText] = useState(current);
  // The URL changed under the input (Back, a link): show its text unless it is what we typed.
  useEffect(() => {
    setText((typed) => (typed.trim() === current ? typed : current));
  }, [current]);
  useEffect(() => {
    const wanted = text.trim();
    if (wanted === current) return;
    const timer = setTimeout(() => {
      const q = new URLSearchParams(others);
      q.delete("cursor");
      if (wanted) q.set("q", wanted);
      else q.delete("q");
      told.current();
      router.navigate({ name: "jobs", query: q });
    }, SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text, current, others, router]);
  return (
    <label className="search">
      Search{" "}
      <input
        type="search"
        data-testid="jobs-search"
        value={text}
        maxLength={200}
        placeholder="job id, key, function, error"
        onChange={(e) => setText(e.target.value)}
      />
    </label>
  );
}
