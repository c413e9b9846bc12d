// yaml-language-server with its validation debounce set to 0 ms (it is a hard-coded 200 ms in
// SettingsState, `validationDelayMs`, not a setting). Used only for the "debounce off" column of the bench:
// run as `node bench/yaml-no-debounce.cjs --stdio`.
'use strict';
const { join, dirname } = require('node:path');
const pkg = dirname(require.resolve('yaml-language-server/package.json'));
const { SettingsState } = require(join(pkg, 'out/server/src/yamlSettings.js'));
Object.defineProperty(SettingsState.prototype, 'validationDelayMs', { configurable: true, get: () => 0, set: () => undefined });
process.env.YAML_LANGUAGE_SERVER_VERSION = require(join(pkg, 'package.json')).version;
require(join(pkg, 'out/server/src/server.js'));
