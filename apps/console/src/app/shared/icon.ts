import { ChangeDetectionStrategy, Component, input } from '@angular/core';

export type IconName =
  'check' | 'reload' | 'enable' | 'disable' | 'reset' | 'edit' | 'delete' | 'tools' | 'plus';

/** Line icons (paths after Feather, MIT); decorative: buttons carry their own labels. */
@Component({
  selector: 'o2-icon',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<svg
    viewBox="0 0 24 24"
    width="16"
    height="16"
    fill="none"
    stroke="currentColor"
    stroke-width="2"
    stroke-linecap="round"
    stroke-linejoin="round"
    aria-hidden="true"
  >
    @switch (name()) {
      @case ('check') {
        <polyline points="22 12 18 12 15 21 9 3 6 12 2 12" />
      }
      @case ('reload') {
        <polyline points="23 4 23 10 17 10" />
        <polyline points="1 20 1 14 7 14" />
        <path d="M3.51 9a9 9 0 0 1 14.85-3.36L23 10M1 14l4.64 4.36A9 9 0 0 0 20.49 15" />
      }
      @case ('enable') {
        <polygon points="5 3 19 12 5 21 5 3" />
      }
      @case ('disable') {
        <rect x="6" y="4" width="4" height="16" />
        <rect x="14" y="4" width="4" height="16" />
      }
      @case ('reset') {
        <polygon points="13 2 3 14 12 14 11 22 21 10 12 10 13 2" />
      }
      @case ('edit') {
        <path d="M17 3a2.83 2.83 0 1 1 4 4L7.5 20.5 2 22l1.5-5.5L17 3z" />
      }
      @case ('delete') {
        <polyline points="3 6 5 6 21 6" />
        <path d="M19 6v14a2 2 0 0 1-2 2H7a2 2 0 0 1-2-2V6m3 0V4a2 2 0 0 1 2-2h4a2 2 0 0 1 2 2v2" />
      }
      @case ('tools') {
        <path
          d="M14.7 6.3a1 1 0 0 0 0 1.4l1.6 1.6a1 1 0 0 0 1.4 0l3.77-3.77a6 6 0 0 1-7.94 7.94l-6.91 6.91a2.12 2.12 0 0 1-3-3l6.91-6.91a6 6 0 0 1 7.94-7.94l-3.76 3.76z"
        />
      }
      @case ('plus') {
        <line x1="12" y1="5" x2="12" y2="19" />
        <line x1="5" y1="12" x2="19" y2="12" />
      }
    }
  </svg>`,
  styles: `
    :host {
      display: inline-flex;
    }
  `,
})
export class Icon {
  readonly name = input.required<IconName>();
}
