// The presets are pure data, shared by the CLI, the renderer and the engine: they live in
// main/common now. This module stays for the code that imports them from here.
export * from '../../common/provider-presets.js';
