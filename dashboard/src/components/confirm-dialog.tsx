/**
 * @module dashboard/components/confirm-dialog
 * A modal `<dialog>` asking to confirm a destructive action: opened with showModal (focus moves
 * into it, Escape closes it, the page behind is inert) and, once closed, focus goes back to
 * the button that opened it.
 */
import { useEffect, useRef, type ReactNode } from "react";

/** The dialog's props: `open` drives it; `onClose` is called however it closes. */
export interface ConfirmDialogProps {
  readonly open: boolean;
  readonly title: string;
  /** The confirm button's text ("Clear", "Cancel run"). */
  readonly confirmLabel: string;
  /** The confirm button's test id (`action-...`). */
  readonly testId: string;
  readonly onConfirm: () => void;
  readonly onClose: () => void;
  /** The action's options (inputs), shown above the buttons. */
  readonly children?: ReactNode;
}

/** A confirm step for a destructive action. */
export function ConfirmDialog(p: ConfirmDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<Element | null>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (p.open && !d.open) {
      opener.current = document.activeElement;
      d.showModal();
    } else if (!p.open && d.open) d.close();
  }, [p.open]);
  const closed = () => {
    p.onClose();
    if (opener.current instanceof HTMLElement) opener.current.focus();
  };
  return (
    <dialog ref={ref} className="confirm" aria-labelledby={`${p.testId}-title`} onClose={closed}>
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          p.onConfirm();
          ref.current?.close();
        }}
      >
        <h2 id={`${p.testId}-title`}>{p.title}</h2>
        {p.children}
        <div className="actions">
          <button type="submit" className="danger" data-testid={p.testId}>
            {p.confirmLabel}
          </button>
          <button type="button" onClick={() => ref.current?.close()}>
            Back
          </button>
        </div>
      </form>
    </dialog>
  );
}
