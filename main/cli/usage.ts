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
  tokentray token <name> [--format raw|header|json] [--min-ttl <seconds>]
      Without --min-ttl: at least 60 s left, or half the life of shorter-lived tokens;
      a still-valid token is printed (with a warning) when a refresh fails for a passing reason.
  tokentray refresh <name>
  tokentray list [--json]
  tokentray remove <name> [--no-revoke]
      Revokes the grant at the provider (RFC 7009) when it can, then deletes everything local.

Exit codes: 0 ok, 1 failure, 2 usage or invalid input, 3 no such account,
            4 sign-in required, 5 temporary failure (network, server, timeout).
Settings live in the app's data folder; TOKENTRAY_HOME moves it. Secrets live in the OS keychain.
`;
