// npm run check:dockerfile, after `dockerfile-utils lint` (syntax and arguments): the image's own
// rules, which no generic linter knows. The runtime (last) stage is built apart from the build
// stage, runs as a non-root user, and has a HEALTHCHECK; base images are pinned to a Node major.
import { readFileSync } from 'node:fs';

const lines = readFileSync(new URL('../Dockerfile', import.meta.url), 'utf8')
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));
const stages = [];
for (const line of lines) {
  const [instruction = '', ...rest] = line.split(/\s+/);
  if (instruction.toUpperCase() === 'FROM') stages.push({ from: rest[0] ?? '', body: [] });
  else stages.at(-1)?.body.push({ instruction: instruction.toUpperCase(), args: rest.join(' ') });
}
const problems = [];
const runtime = stages.at(-1);
if (stages.length < 2 || !runtime)
  problems.push('expected a multi-stage build (a build stage, then the runtime)');
for (const { from } of stages) {
  if (!/^node:\d+[\w.-]*$/.test(from)) problems.push(`base image ${from} is not a node:<major>… tag`);
}
const user = runtime?.body.filter((i) => i.instruction === 'USER').at(-1)?.args;
if (!user || /^(root|0)(:|$)/.test(user)) problems.push('the runtime stage must end as a non-root USER');
if (!runtime?.body.some((i) => i.instruction === 'HEALTHCHECK'))
  problems.push('the runtime stage has no HEALTHCHECK');
if (runtime?.body.some((i) => i.instruction === 'RUN' && /npm (ci|install)\b(?!.*--omit=dev)/.test(i.args)))
  problems.push('the runtime stage installs dev dependencies');

if (problems.length) {
  console.error(`Dockerfile:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(1);
}
console.log(`Dockerfile: ${stages.length} stages; runtime runs as ${user}, with a HEALTHCHECK`);
