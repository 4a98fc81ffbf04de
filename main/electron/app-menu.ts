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
          { role: 'windowMenu' },
        ]
      : [{ role: 'fileMenu' }, { role: 'editMenu' }];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
