/**
 * @module dashboard/components/link
 * An anchor that navigates through the router (a plain click), or lets the browser open it
 * (modifier keys, middle click): real hrefs, so every page is deep-linkable.
 */
import type { AnchorHTMLAttributes, MouseEvent } from "react";
import { useServices } from "../context.js";

/** A router link; `to` is a path. */
export function Link(props: AnchorHTMLAttributes<HTMLAnchorElement> & { to: string }) {
  const { router } = useServices();
  const { to, onClick, ...rest } = props;
  const click = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey)
      return;
    e.preventDefault();
    router.navigate(to);
  };
  return <a href={to} onClick={click} {...rest} />;
}
