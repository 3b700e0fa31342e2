import { ChangeDetectionStrategy, Component, input } from '@angular/core';

export type IconName =
  | 'check'
  | 'reload'
  | 'enable'
  | 'disable'
  | 'reset'
  | 'edit'
  | 'delete'
  | 'tools'
  | 'plus'
  | 'key';

/**
 * Line icons (paths after Feather, MIT); decorative: buttons carry their own labels. Each icon is
 * one element painted through a CSS mask (`.icon-<name>` in styles.css) in the current text
 * colour, not an inline SVG: a table row shows seven of them, and inline SVGs cost a component,
 * an SVG subtree and its paint per icon. Templates that render many icons use the same
 * `icon icon-<name>` span directly (see ServerActionsBar).
 */
@Component({
  selector: 'o2-icon',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<span [class]="iconClass(name())" aria-hidden="true"></span>`,
  styles: `
    :host {
      display: inline-flex;
    }
  `,
})
export class Icon {
  readonly name = input.required<IconName>();
  protected readonly iconClass = iconClass;
}

/** The classes of an icon span. */
export function iconClass(name: IconName): string {
  return `icon icon-${name}`;
}
