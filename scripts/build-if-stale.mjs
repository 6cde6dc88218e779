// Runs `npm run build` unless dist/ was built from exactly the sources there now, so `npm start`
// (prestart) and the browser suite (npm run test:browser) always run the current code without
// rebuilding every time. "Exactly" is a hash of every input file's path and content, recorded in
// dist/ after a build that succeeded: an edit, a new, deleted or renamed file, or a checkout of
// another commit all change it, and mtimes (which a checkout or a copy can leave older than dist/)
// play no part.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
// The service and harnesses (src/, bench/, faults/: tsc), the console (web/: vite) and what
// configures their builds.
const INPUTS = [
  'src',
  'web',
  'bench',
  'faults',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'tsconfig.build.json',
];
const OUTPUTS = ['dist/src/main.js', 'dist/web/index.html'];
const STAMP = 'dist/.build-inputs.sha256';
// Folders under the inputs that builds or tools write to, and that are not sources.
const SKIP = new Set(['node_modules', '.vite']);

function list(rel) {
  const abs = path.join(root, rel);
  if (!existsSync(abs)) return [];
  if (!statSync(abs).isDirectory()) return [rel];
  return readdirSync(abs, { withFileTypes: true })
    .filter((e) => !SKIP.has(e.name))
    .flatMap((e) =>
      e.isDirectory() ? list(path.join(rel, e.name)) : e.isFile() ? [path.join(rel, e.name)] : [],
    );
}

function inputsHash() {
  const hash = createHash('sha256');
  for (const file of INPUTS.flatMap(list).sort()) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(path.join(root, file)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

const current = inputsHash();
const stamp = path.join(root, STAMP);
const built =
  OUTPUTS.every((p) => existsSync(path.join(root, p))) && existsSync(stamp)
    ? readFileSync(stamp, 'utf8').trim()
    : '';

if (built === current) {
  console.log('dist/ was built from these sources: not rebuilding');
} else {
  console.log(
    built
      ? 'sources changed since dist/ was built: npm run build'
      : 'no complete build in dist/: npm run build',
  );
  rmSync(stamp, { force: true }); // a build that fails halfway leaves dist/ unaccounted for
  const { status } = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (status !== 0) process.exit(status ?? 1);
  writeFileSync(stamp, `${current}\n`);
}
