// The type of settings-validator.js, which build/settings-validator.mjs writes at build time: an
// Ajv validation function, which fills in defaults and leaves its findings in `errors`.
export declare const validate: ((data: unknown) => boolean) & {
  errors?: Array<{ instancePath: string; message?: string }> | null;
};
