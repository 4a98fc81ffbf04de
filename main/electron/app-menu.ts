import { app, Menu, type MenuItemConstructorOptions } from 'electron';

/**
 * The application menu. Without one, Electron's default menu would offer the developer tools.
 * The Edit menu makes copy and paste work in the windows' text fields on macOS.
 */
export function setApplicationMenu(installCli: (() => void) | undefined): void {
  const template: MenuItemConstructorOptions[] =
    process.platform === 'darwin'
      ? [
          {
            label: app.name,
            submenu: [
              { role: 'about' },
              ...(installCli === undefined
                ? []
                : [{ label: 'Install Command Line Tool…', click: installCli }]),
              { type: 'separator' },
              { role: 'hide' },
              { role: 'hideOthers' },
              { role: 'unhide' },
              { type: 'separator' },
              { role: 'quit' },
            ],
          },
          { role: 'editMenu' },
          // The stock windowMenu role has no Close; without one Cmd+W does nothing.
          {
            role: 'windowMenu',
            submenu: [
              { role: 'minimize' },
              { role: 'zoom' },
              { role: 'close' },
              { type: 'separator' },
              { role: 'front' },
            ],
          },
        ]
      : [{ label: 'File', submenu: [{ role: 'close' }, { role: 'quit' }] }, { role: 'editMenu' }];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
