import { Injectable, signal } from '@angular/core';

export type ToastKind = 'info' | 'success' | 'warning' | 'error';

export interface Toast {
  id: number;
  kind: ToastKind;
  text: string;
  /** Optional router link shown as "Open". */
  link: string | null;
  /** Optional address outside the console, opened in a new tab (e.g. an authorization page). */
  href: string | null;
}

const VISIBLE = 5;
const LIFETIME_MS = 6000;
/** A toast carrying an outside link stays long enough to be clicked. */
const LINK_LIFETIME_MS = 30_000;

/**
 * Toasts at the corner of the screen. At most five are visible; older ones fold into a
 * "+N more" counter instead of a wall of notifications.
 */
@Injectable({ providedIn: 'root' })
export class Toasts {
  private nextId = 1;
  private readonly items = signal<Toast[]>([]);
  private readonly foldedCount = signal(0);
  readonly list = this.items.asReadonly();
  /** Toasts pushed out by newer ones since the list was last empty. */
  readonly folded = this.foldedCount.asReadonly();

  show(
    kind: ToastKind,
    text: string,
    link: string | null = null,
    href: string | null = null,
  ): void {
    const toast: Toast = { id: this.nextId++, kind, text, link, href };
    const next = [...this.items(), toast];
    if (next.length > VISIBLE) {
      this.foldedCount.update((n) => n + next.length - VISIBLE);
      next.splice(0, next.length - VISIBLE);
    }
    this.items.set(next);
    setTimeout(() => this.dismiss(toast.id), href ? LINK_LIFETIME_MS : LIFETIME_MS);
  }

  dismiss(id: number): void {
    const next = this.items().filter((t) => t.id !== id);
    this.items.set(next);
    if (next.length === 0) this.foldedCount.set(0);
  }
}
