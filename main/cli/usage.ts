export const USAGE = `tokentray: fresh OAuth 2.0 access tokens for scripts.

Usage:
  tokentray add <name> (--token-endpoint <url> | --issuer <url>) --client-id <id>
                [--scope "<scopes>"] [--label <text>]
                [--auth-method client_secret_basic|client_secret_post|none]
      Secrets come from TOKENTRAY_CLIENT_SECRET and TOKENTRAY_REFRESH_TOKEN, or a hidden prompt.
  tokentray token <name> [--format raw|header|json] [--min-ttl <seconds, default 60>]
  tokentray refresh <name>
  tokentray list [--json]
  tokentray remove <name>

Exit codes: 0 ok, 1 failure, 2 usage or invalid input, 3 no such account,
            4 sign-in required, 5 temporary failure (network, server, timeout).
Settings live in the app's data folder; TOKENTRAY_HOME moves it. Secrets live in the OS keychain.
`;
