#!/bin/bash
# deb postrm: undo after-install.sh. The CLI link goes only if it is still ours; on an upgrade the
# new package's after-install puts it back. electron-builder fills in the macros in braces.
app='/opt/${sanitizedProductName}'

if [ "$(readlink /usr/bin/tokentray)" = "$app/resources/cli/tokentray" ]; then
  rm -f /usr/bin/tokentray
fi

profile='/etc/apparmor.d/${executable}'
if [ -f "$profile" ]; then
  if apparmor_status --enabled >/dev/null 2>&1; then
    if ! { [ -x /usr/bin/ischroot ] && /usr/bin/ischroot; } && hash apparmor_parser 2>/dev/null; then
      apparmor_parser --remove "$profile" || true
    fi
  fi
  rm -f "$profile"
fi
