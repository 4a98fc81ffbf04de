import type {
  AttentionNotice,
  NotifierPort,
} from '../../../main/node/desktop/attention-notifier.js';

/** A fake of the notifier port (Electron's Notification cannot run here): it keeps each notice. */
export class FakeNotifier implements NotifierPort {
  readonly shown: AttentionNotice[] = [];
  show(notice: AttentionNotice): void {
    this.shown.push(notice);
  }
}
