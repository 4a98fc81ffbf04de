export const USAGE = `tokentray: fresh OAuth 2.0 access tokens for scripts.

Usage:
  tokentray add <name> --provider <provider> --client-id <id> [how] [options]
      provider: google | microsoft [--tenant <id or domain>] | github
              | oidc --issuer <url>
              | custom --token-endpoint <url> [--authorization-endpoint <url>]
                       [--device-authorization-endpoint <url>] [--revocation-endpoint <url>]
      how:      --login               sign in in the browser (PKCE, loopback redirect)
                  [--redirect-port <n>] for servers that match http://127.0.0.1:<n>/callback exactly
                --device [--open]     sign in with a code on any device
                --client-credentials  a machine account (client id and secret only)
                (none)                paste a refresh token
      options:  [--scope "<scopes>"] [--label <text>] [--timeout <seconds, default 300>]
                [--auth-method client_secret_basic|client_secret_post|none]
      Secrets come from TOKENTRAY_CLIENT_SECRET and TOKENTRAY_REFRESH_TOKEN, or a hidden prompt.
      Browsers open with the command in BROWSER when it is set; the address is printed too.
  tokentray token <name> [--format raw|header|json|exec-credential] [--min-ttl <seconds>]
      Without --min-ttl: at least 60 s left, or half the life of shorter-lived tokens;
      a still-valid token is printed (with a warning) when a refresh fails for a passing reason.
      exec-credential: a Kubernetes ExecCredential, for kubectl's exec credential plugin.
  tokentray exec <name> [--env VAR]... [--min-ttl <seconds>] -- <command> [args...]
      Runs the command with the token in TOKENTRAY_ACCESS_TOKEN (and GH_TOKEN/GITHUB_TOKEN for
      GitHub, CLOUDSDK_AUTH_ACCESS_TOKEN/GOOGLE_OAUTH_ACCESS_TOKEN for Google, and each --env VAR).
  tokentray git-credential <name> [--host <host[:port]>] [--username <name>] <get|store|erase>
      A git credential helper; github.com is the host of GitHub accounts.
  tokentray git-credential setup <name> [--host <host[:port]>] [--global|--local]
      Adds the helper to git's global (or the repository's) config.
  tokentray serve <name> --gce [--port <port, 0 = any>] [--project <id>] [--email <email>]
                  [--project-number <n>] [--min-ttl <seconds>]
      A Compute Engine metadata endpoint on 127.0.0.1 for Google's client libraries; prints
      GCE_METADATA_HOST=... lines to export. Every token handed out is logged (never the token).
  tokentray completion bash|zsh|fish
      Prints the shell completion script (commands, flags, account names).
  tokentray refresh <name>
  tokentray list [--json]
  tokentray info <name> [--json]
      The account, its token's expiry, scopes and JWT claims, rotation, provider warnings; no secret.
  tokentray remove <name> [--no-revoke]
      Revokes the grant at the provider (RFC 7009) when it can, then deletes everything local.

Exit codes: 0 ok, 1 failure, 2 usage or invalid input, 3 no such account,
            4 sign-in required, 5 temporary failure (network, server, timeout).
Settings live in the app's data folder; TOKENTRAY_HOME moves it. Secrets live in the OS keychain.
`;
