import {
  ChangeDetectionStrategy,
  Component,
  computed,
  inject,
  input,
  output,
  signal,
} from '@angular/core';
import { CdkMenu, CdkMenuItem, CdkMenuTrigger } from '@angular/cdk/menu';
import type { McpServerView } from '@omni2/contracts';
import { availability, type Availability } from '../core/permissions';
import { OAuthActions } from '../core/oauth-actions.service';
import { ServerActions } from '../core/server-actions.service';
import { Session } from '../core/session.service';
import { ConfirmDialog } from '../shared/confirm-dialog';
import { iconClass, type IconName } from '../shared/icon';

/** The actions a compact bar keeps as buttons: the ones used from a row all day. */
const INLINE = new Set(['check', 'tools', 'edit']);

/** Anyone may look at the tools; the tester itself says whether they may run one. */
const TOOLS: Availability = { enabled: true, reason: 'Tools and the tool tester' };

interface Item {
  action: string;
  label: string;
  icon: string;
  availability: Availability;
  busy: boolean;
  buttonClass: string;
  run: () => void;
  /** Kept as a button in a compact row (else it goes in the "More actions" menu). */
  inline: boolean;
}

/**
 * A server's actions, enabled by role and status with the reason in each tooltip (on a wrapper,
 * because disabled buttons get no hover). The buttons are plain elements in this one template,
 * not a component each: the server table renders seven per row. Check now,
 * reload, enable/disable, reset and delete (after a confirmation) run here; tools and edit are
 * the page's to open. `deleted` fires once the server is gone. An OAuth server with the
 * authorization code grant also has Authorize, a primary button (kept out of the menu) while it
 * needs authorization, with a spinner while an authorization started here is pending.
 */
@Component({
  selector: 'o2-server-actions',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ConfirmDialog, CdkMenu, CdkMenuItem, CdkMenuTrigger],
  host: { class: 'server-actions' },
  template: `
    @for (item of inline(); track item.action) {
      <span class="action-wrap" [attr.title]="item.availability.reason"
        ><button
          type="button"
          [class]="item.buttonClass"
          [disabled]="!item.availability.enabled || item.busy"
          [attr.aria-label]="item.label"
          [attr.data-action]="item.action"
          [attr.aria-busy]="item.busy || null"
          (click)="item.run()"
        >
          @if (item.busy) {
            <span class="spinner" aria-hidden="true"></span>
          } @else if (item.action === 'authorize' && waiting()) {
            <span class="spinner" aria-hidden="true" data-testid="authorize-waiting"></span>
          } @else {
            <span [class]="item.icon" aria-hidden="true"></span>
          }
          @if (labels()) {
            <span>{{ item.label }}</span>
          }
        </button></span
      >
    }
    @if (overflow().length > 0) {
      <span class="action-wrap" title="More actions"
        ><button
          type="button"
          class="icon-btn"
          data-action="more"
          [attr.aria-label]="'More actions for ' + server().name"
          [cdkMenuTriggerFor]="more"
        >
          <span class="more-dots" aria-hidden="true">⋯</span>
        </button></span
      >
      <ng-template #more>
        <div class="menu" cdkMenu [attr.aria-label]="'Actions for ' + server().name">
          @for (item of overflow(); track item.action) {
            <span class="action-wrap" [attr.title]="item.availability.reason"
              ><button
                type="button"
                cdkMenuItem
                class="menu-item"
                [class.danger-text]="item.action === 'delete'"
                [cdkMenuItemDisabled]="!item.availability.enabled || item.busy"
                [attr.data-action]="item.action"
                (cdkMenuItemTriggered)="item.run()"
              >
                <span [class]="item.icon" aria-hidden="true"></span>
                <span>{{ item.label }}</span>
              </button></span
            >
          }
        </div>
      </ng-template>
    }
    @if (confirming()) {
      <o2-confirm
        heading="Delete server"
        [message]="
          'Delete ' +
          server().name +
          '? Its session closes and its health history is removed. This cannot be undone.'
        "
        confirmLabel="Delete"
        [danger]="true"
        [busy]="actions.busyWith(server().id) === 'delete'"
        [detached]="true"
        (confirmed)="remove()"
        (cancelled)="confirming.set(false)"
      />
    }
  `,
})
export class ServerActionsBar {
  protected readonly actions = inject(ServerActions);
  private readonly oauth = inject(OAuthActions);
  private readonly session = inject(Session);
  readonly server = input.required<McpServerView>();
  /** Text labels next to the icons (the detail page's header). */
  readonly labels = input(false);
  readonly withTools = input(true);
  /**
   * Narrow rows (the servers table): check, tools and edit stay as buttons, the rest go in a
   * "More actions" menu, so the table fits a 1280x720 screen without horizontal scrolling.
   */
  readonly compact = input(false);
  readonly tools = output<void>();
  readonly edit = output<void>();
  readonly deleted = output<void>();
  protected readonly confirming = signal(false);
  /** "Waiting for authorization (expires HH:MM)" after Authorize, until the status changes. */
  protected readonly waiting = computed(() => this.oauth.waiting(this.server().id));

  protected readonly items = computed<Item[]>(() => {
    const s = this.server();
    const role = this.session.role();
    const busy = this.actions.busyWith(s.id);
    const size = this.labels() ? 'btn small' : 'icon-btn';
    const item = (
      action: 'check' | 'reload' | 'enable' | 'disable' | 'reset' | 'edit' | 'delete',
      label: string,
      icon: IconName,
      run: () => void,
    ): Item => ({
      action,
      label,
      icon: iconClass(icon),
      availability: availability(action, s, role),
      busy: busy === action,
      buttonClass: action === 'delete' ? `${size} danger-text` : size,
      run,
      inline: INLINE.has(action),
    });
    const toggle =
      s.status === 'active'
        ? item('disable', 'Disable', 'disable', () => void this.actions.setEnabled(s, false))
        : item('enable', 'Enable', 'enable', () => void this.actions.setEnabled(s, true));
    const authorize = this.authorizeItem(s, size);
    const needsAuth = s.health_status === 'auth_required';
    return [
      ...(authorize && needsAuth ? [authorize] : []),
      item('check', 'Check now', 'check', () => void this.actions.check(s)),
      item('reload', 'Reload', 'reload', () => void this.actions.check(s, true)),
      toggle,
      item('reset', 'Reset circuit', 'reset', () => void this.actions.resetCircuit(s)),
      ...(authorize && !needsAuth ? [authorize] : []),
      ...(this.withTools()
        ? [
            {
              action: 'tools',
              label: 'Test tools',
              icon: iconClass('tools'),
              availability: TOOLS,
              busy: false,
              buttonClass: size,
              run: () => this.tools.emit(),
              inline: true,
            },
          ]
        : []),
      item('edit', 'Edit', 'edit', () => this.edit.emit()),
      item('delete', 'Delete', 'delete', () => this.confirming.set(true)),
    ];
  });

  protected readonly inline = computed(() =>
    this.compact() ? this.items().filter((i) => i.inline) : this.items(),
  );
  protected readonly overflow = computed(() =>
    this.compact() ? this.items().filter((i) => !i.inline) : [],
  );

  /** Authorize, for an OAuth server an operator authorizes; prominent while it needs it. */
  private authorizeItem(s: McpServerView, size: string): Item | null {
    if (s.oauth_grant !== 'authorization_code') return null;
    const needsAuth = s.health_status === 'auth_required';
    const allowed = availability('authorize', s, this.session.role());
    const waiting = this.waiting();
    return {
      action: 'authorize',
      label: 'Authorize',
      icon: iconClass('key'),
      availability:
        allowed.enabled && waiting
          ? { enabled: true, reason: `${waiting}; click to start again` }
          : allowed,
      busy: this.oauth.busyWith(s.id) === 'authorize',
      buttonClass: needsAuth ? `${size} primary` : size,
      run: () => void this.oauth.authorize(s),
      inline: needsAuth,
    };
  }

  protected async remove(): Promise<void> {
    if (await this.actions.remove(this.server())) {
      this.confirming.set(false);
      this.deleted.emit();
    }
  }
}
