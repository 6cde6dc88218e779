import { useGraphiQL } from '@graphiql/react';
import type { GraphiQLPlugin } from '@graphiql/react';
import { IDE_EXAMPLES } from './examples';

/** The examples' variables as the variables editor shows them. */
export function exampleVariables(index: number, now = new Date()): string {
  return JSON.stringify(IDE_EXAMPLES[index]!.variables(now), null, 2);
}

function ExamplesPanel() {
  const queryEditor = useGraphiQL((s) => s.queryEditor);
  const variableEditor = useGraphiQL((s) => s.variableEditor);
  return (
    <section aria-labelledby="ide-examples-title">
      <h2 id="ide-examples-title" className="graphiql-doc-explorer-title">
        Examples
      </h2>
      <p>Load one into the current tab (the first three tabs hold them too).</p>
      <ul className="checkproof-ide-examples">
        {IDE_EXAMPLES.map((example, i) => (
          <li key={example.title}>
            <button
              type="button"
              className="graphiql-button"
              onClick={() => {
                queryEditor?.setValue(example.query);
                variableEditor?.setValue(exampleVariables(i));
              }}
            >
              {example.title}
            </button>
            <div>{example.audience}</div>
          </li>
        ))}
      </ul>
    </section>
  );
}

function ExamplesIcon() {
  // A small "list" glyph; the button around it carries the plugin's title as its label.
  return (
    <svg
      viewBox="0 0 24 24"
      width="20"
      height="20"
      aria-hidden="true"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.5"
    >
      <path d="M8 6h12M8 12h12M8 18h12M4 6h.01M4 12h.01M4 18h.01" strokeLinecap="round" />
    </svg>
  );
}

export const examplesPlugin: GraphiQLPlugin = {
  title: 'Examples',
  icon: ExamplesIcon,
  content: ExamplesPanel,
};
