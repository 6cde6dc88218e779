// GraphiQL 5's editors are Monaco, which does its language work (GraphQL completion and
// validation, JSON for the variables and headers, the editor's own diffing) in web workers. Vite's
// `?worker` imports make each a file of the console's build under /console/assets, so the workers
// load from this origin like every other script (no CDN, works offline, and the CSP's script-src
// 'self' covers them: no blob: or data: worker). This is @graphiql/react's setup-workers/vite
// without its console.info on every worker start.
import EditorWorker from 'monaco-editor/esm/vs/editor/editor.worker.js?worker';
import JsonWorker from 'monaco-editor/esm/vs/language/json/json.worker.js?worker';
import GraphQLWorker from 'monaco-graphql/esm/graphql.worker.js?worker';
import type { Environment } from 'monaco-editor';

const environment: Environment = {
  getWorker(_workerId: string, label: string): Worker {
    switch (label) {
      case 'json':
        return new JsonWorker();
      case 'graphql':
        return new GraphQLWorker();
      default:
        return new EditorWorker();
    }
  },
};
window.MonacoEnvironment = environment;
