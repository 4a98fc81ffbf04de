import {
  ACCOUNT_NAME_PATTERN,
  PROVIDER_IDS,
  REDIRECT_PORT_RANGE,
  type Account,
} from '../../common/account.js';

/** Options the user sets in the settings window (issue: desktop app) or by editing the file. */
export interface AppOptions {
  /** Seconds after which a copied token is cleared from the clipboard, if it is still there. */
  clipboardClearSeconds: number;
  /** Refresh once this fraction of a token's life has passed (or 5 minutes before the end). */
  refreshAtFraction: number;
  /** Unset until the user chooses: then it is on as soon as the first account exists. */
  launchAtLogin?: boolean;
  /** Download and install updates from the release feed (signature-checked by the platform). */
  autoUpdate: boolean;
  /** While the app runs, serve this account as a GCE metadata endpoint on 127.0.0.1:port. */
  gceMetadata?: GceMetadataOption;
}

export interface GceMetadataOption {
  account: string;
  port: number;
  projectId?: string;
  /** gcloud needs it to believe it is on Compute Engine. */
  projectNumber?: string;
  email?: string;
}

export interface SettingsData {
  accounts: Record<string, Account>;
  defaultAccount?: string;
  options: AppOptions;
}

export const DEFAULT_OPTIONS: AppOptions = {
  clipboardClearSeconds: 60,
  refreshAtFraction: 0.8,
  autoUpdate: true,
};

const isoDate = { type: 'string', maxLength: 40 } as const;

const accountSchema = {
  type: 'object',
  required: ['name', 'label', 'tokenEndpoint', 'clientId', 'clientAuth', 'scopes', 'createdAt'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', pattern: ACCOUNT_NAME_PATTERN.source },
    label: { type: 'string', maxLength: 200 },
    provider: { enum: PROVIDER_IDS },
    grant: { enum: ['refresh_token', 'client_credentials'] },
    tokenEndpoint: { type: 'string', format: 'uri' },
    issuer: { type: 'string', format: 'uri' },
    revocationEndpoint: { type: 'string', format: 'uri' },
    authorizationEndpoint: { type: 'string', format: 'uri' },
    deviceAuthorizationEndpoint: { type: 'string', format: 'uri' },
    idTokenSigningAlgs: {
      type: 'array',
      maxItems: 20,
      items: { type: 'string', pattern: '^[A-Za-z0-9+._-]{1,30}$' },
    },
    redirectPort: {
      type: 'integer',
      minimum: REDIRECT_PORT_RANGE.min,
      maximum: REDIRECT_PORT_RANGE.max,
    },
    authParams: {
      type: 'object',
      maxProperties: 20,
      additionalProperties: { type: 'string', maxLength: 500 },
    },
    who: { type: 'string', maxLength: 320 },
    clientId: { type: 'string', minLength: 1, maxLength: 1000 },
    clientAuth: { enum: ['client_secret_basic', 'client_secret_post', 'none'] },
    scopes: { type: 'array', items: { type: 'string', minLength: 1 } },
    createdAt: isoDate,
    signInRequired: {
      type: 'object',
      required: ['since', 'reason'],
      properties: { since: isoDate, reason: { type: 'string' } },
    },
    lastError: {
      type: 'object',
      required: ['at', 'code', 'message'],
      properties: { at: isoDate, code: { type: 'string' }, message: { type: 'string' } },
    },
  },
} as const;

/**
 * The JSON schema of the settings file, in conf's per-key form. The app (electron-store) and the
 * CLI (conf) both open the file with {@link settingsFileOptions}, so they validate it identically.
 */
export const settingsSchema = {
  accounts: {
    type: 'object',
    default: {},
    propertyNames: { pattern: ACCOUNT_NAME_PATTERN.source },
    additionalProperties: accountSchema,
  },
  defaultAccount: { type: 'string' },
  options: {
    type: 'object',
    default: DEFAULT_OPTIONS,
    additionalProperties: false,
    properties: {
      clipboardClearSeconds: { type: 'integer', minimum: 0, maximum: 3600 },
      refreshAtFraction: { type: 'number', exclusiveMinimum: 0, maximum: 0.95 },
      launchAtLogin: { type: 'boolean' },
      autoUpdate: { type: 'boolean' },
      gceMetadata: {
        type: 'object',
        required: ['account', 'port'],
        additionalProperties: false,
        properties: {
          account: { type: 'string', pattern: ACCOUNT_NAME_PATTERN.source },
          port: { type: 'integer', minimum: 1, maximum: 65535 },
          projectId: { type: 'string', maxLength: 100 },
          projectNumber: { type: 'string', pattern: '^[0-9]{1,20}$' },
          email: { type: 'string', maxLength: 320 },
        },
      },
    },
  },
} as const;
