// Runs `npm run build` unless dist/ is newer than everything it is built from, so the browser
// suite (npm run test:browser) always drives the current code without rebuilding every time.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
// The service (src/, tsc), the console (web/, vite) and what configures their builds.
const INPUTS = ['src', 'web', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];
const OUTPUTS = ['dist/src/main.js', 'dist/web/index.html'];

function newest(p) {
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = 0;
  for (const entry of readdirSync(p)) max = Math.max(max, newest(path.join(p, entry)));
  return max;
}

const abs = (p) => path.join(root, p);
const inputs = Math.max(...INPUTS.map(abs).filter(existsSync).map(newest));
const outputs = OUTPUTS.map(abs);
const built = outputs.every(existsSync) ? Math.min(...outputs.map((p) => statSync(p).mtimeMs)) : 0;

if (built > inputs) {
  console.log('dist/ is up to date: not rebuilding');
} else {
  console.log(built ? 'dist/ is older than its sources: npm run build' : 'no dist/: npm run build');
  const { status } = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (status !== 0) process.exit(status ?? 1);
}
