#!/bin/bash
# deb postinst. electron-builder's own after-install steps (chrome-sandbox mode, desktop and MIME
# databases, AppArmor profile), except that /usr/bin/tokentray is the CLI executable shipped in
# resources/cli, not the GUI binary. electron-builder fills in the two macros in braces below;
# shell variables are written without braces so it leaves them alone.
app='/opt/${sanitizedProductName}'
cli="$app/resources/cli/tokentray"

chmod 0755 "$cli" || true
ln -sfn "$cli" /usr/bin/tokentray

# SUID chrome-sandbox only where unprivileged user namespaces are unavailable.
if ! { [[ -L /proc/self/ns/user ]] && unshare --user true; }; then
  chmod 4755 "$app/chrome-sandbox" || true
else
  chmod 0755 "$app/chrome-sandbox" || true
fi

if hash update-mime-database 2>/dev/null; then
  update-mime-database /usr/share/mime || true
fi
if hash update-desktop-database 2>/dev/null; then
  update-desktop-database /usr/share/applications || true
fi

# AppArmor profile (Ubuntu 24.04+ restricts unprivileged user namespaces), if this AppArmor
# understands it; skipped inside a chroot, as electron-builder does.
if apparmor_status --enabled >/dev/null 2>&1; then
  profile_source="$app/resources/apparmor-profile"
  profile_target='/etc/apparmor.d/${executable}'
  if apparmor_parser --skip-kernel-load --debug "$profile_source" >/dev/null 2>&1; then
    cp -f "$profile_source" "$profile_target"
    if ! { [ -x /usr/bin/ischroot ] && /usr/bin/ischroot; } && hash apparmor_parser 2>/dev/null; then
      apparmor_parser --replace --write-cache --skip-read-cache "$profile_target"
    fi
  else
    echo "Skipping the AppArmor profile: this AppArmor does not support it."
  fi
fi
