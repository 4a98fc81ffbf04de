// What conf imports for features TokenTray does not use, replaced in the bundles (see
// esbuild.config.mjs): its schema option (the settings file is checked by a validator compiled at
// build time, build/settings-validator.mjs) and its migrations (semver). Together about 350 KB of
// code that every CLI command loaded. Reaching any of it is a bug, and says so.
const unused = () => {
  throw new Error("TokenTray's build leaves out conf's schema and migrations support.");
};
export function Ajv2020() {
  unused();
}
export default {
  default: unused,
  eq: unused,
  clean: unused,
  satisfies: unused,
  lte: unused,
  gt: unused,
};
