@echo off
rem tokentray (Windows): runs the CLI bundled in TokenTray with the app's own Electron binary in
rem Node mode, as VS Code's code.cmd does. The installer puts this folder (resources\cli) on the
rem user's PATH.
setlocal
set ELECTRON_RUN_AS_NODE=1
"%~dp0..\..\TokenTray.exe" "%~dp0..\app.asar.unpacked\dist\main\cli\tokentray.mjs" %*
endlocal & exit /b %ERRORLEVEL%
