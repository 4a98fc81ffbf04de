import { app } from 'electron';
import { systemClock } from '../common/clock.js';
import { DockVisibility } from '../node/desktop/dock-visibility.js';

/** The one Dock icon switch (macOS), shared by startup and the windows, so its timing rule holds. */
export const dock = new DockVisibility(app.dock, systemClock);
