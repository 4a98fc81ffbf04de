; TokenTray's additions to electron-builder's NSIS installer (nsis.include in electron-builder.yml).
; 1. Install per user, always: no administrator rights, and the keychain TokenTray uses is the user's.
; 2. Put resources\cli (tokentray.cmd) on the user's PATH, and take it off again on uninstall.
; PATH is edited by PowerShell through the registry API, not with NSIS strings: those are cut at
; 1024 or 8192 characters, which would silently truncate a long PATH. Any error stops the script
; before it writes. "$$" is a literal "$" for NSIS; the folder travels in an environment variable,
; so no quoting can break the command.

!include WinMessages.nsh

!define TOKENTRAY_PS '"$SYSDIR\WindowsPowerShell\v1.0\powershell.exe" -NoProfile -NonInteractive -ExecutionPolicy Bypass -Command'
!define TOKENTRAY_PATH_READ "$$ErrorActionPreference = 'Stop'; $$d = $$env:TOKENTRAY_CLI_DIR; if (-not $$d) { exit 1 }; $$k = [Microsoft.Win32.Registry]::CurrentUser.CreateSubKey('Environment'); $$old = [string]$$k.GetValue('Path', '', 'DoNotExpandEnvironmentNames'); $$keep = @($$old -split ';' | Where-Object { $$_ -and ($$_.TrimEnd('\') -ne $$d.TrimEnd('\')) });"

!macro customInstallMode
  StrCpy $isForceCurrentInstall "1"
!macroend

!macro tokentrayEditUserPath SCRIPT
  System::Call 'Kernel32::SetEnvironmentVariable(t "TOKENTRAY_CLI_DIR", t "$INSTDIR\resources\cli")i'
  Push $0
  nsExec::ExecToLog `${TOKENTRAY_PS} "${TOKENTRAY_PATH_READ} ${SCRIPT}"`
  Pop $0
  ${if} $0 != 0
    DetailPrint "TokenTray could not update PATH ($0): add $INSTDIR\resources\cli by hand."
  ${endIf}
  Pop $0
  ; Tell Explorer, and so new terminals, that the environment changed.
  SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=5000
!macroend

!macro customInstall
  !insertmacro tokentrayEditUserPath "$$k.SetValue('Path', ((@($$keep) + $$d) -join ';'), 'ExpandString')"
!macroend

!macro customUnInstall
  ; An update runs the old uninstaller first; the new installer would only add the entry back.
  ${ifNot} ${isUpdated}
    !insertmacro tokentrayEditUserPath "if ($$keep.Count) { $$k.SetValue('Path', ($$keep -join ';'), 'ExpandString') } else { $$k.DeleteValue('Path', $$false) }"
  ${endIf}
!macroend
