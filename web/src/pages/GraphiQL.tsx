// The GraphQL IDE (GraphiQL 5) at /console/graphql, a lazy chunk of its own: Monaco and GraphiQL
// are far larger than the rest of the console, and only this route loads them.
// GraphiQL's parts' styles, not graphiql/style.css: that one is its CDN bundle, with Monaco's CSS
// (monaco-editor's modules import their own here) and fonts as data: URLs, which the console's
// CSP (font-src 'self') refuses. The IDE uses the console's fonts instead (ide.css).
import '@graphiql/react/style.css';
import '@graphiql/plugin-doc-explorer/style.css';
import '@graphiql/plugin-history/style.css';
import '@graphiql/plugin-explorer/style.css';
import 'graphiql/graphiql.css';
import '../ide/workers';
import '../ide/ide.css';
import { explorerPlugin } from '@graphiql/plugin-explorer';
import { Anchor, Checkbox, Group, Text, Title } from '@mantine/core';
import { GraphiQL } from 'graphiql';
import { useEffect, useMemo, useState } from 'react';
import { Link, useLocation, useSearchParams } from 'react-router';
import { examplesPlugin, exampleVariables } from '../ide/ExamplesPlugin';
import { IDE_EXAMPLES } from '../ide/examples';
import { ideFetcher } from '../ide/fetcher';
import { ideStorage, remembered, setRemember } from '../ide/storage';
import { homeOf, useSession, type Viewer } from '../session';

// The explorer's colours: GraphiQL's hues, darker, so its text keeps 4.5:1 on white (axe; its
// defaults, e.g. the field names' hsl(208 100% 46%), are about 4:1).
const explorer = explorerPlugin({
  showAttribution: false,
  colors: {
    keyword: 'hsl(320, 95%, 35%)',
    def: 'hsl(188, 100%, 26%)',
    property: 'hsl(208, 100%, 36%)',
    qualifier: 'hsl(242, 51%, 50%)',
    attribute: 'hsl(188, 100%, 26%)',
    number: 'hsl(158, 60%, 27%)',
    string: 'hsl(36, 100%, 28%)',
    builtin: 'hsl(158, 60%, 27%)',
    string2: 'hsl(242, 51%, 50%)',
    variable: 'hsl(242, 51%, 50%)',
    atom: 'hsl(188, 100%, 26%)',
  },
});
const plugins = [examplesPlugin, explorer];

/** What authenticates this page's requests, in a sentence. */
function AuthNote({ viewer, tenant }: { viewer: Viewer | null | undefined; tenant: string | null }) {
  const location = useLocation();
  if (viewer === undefined) return <Text size="sm">Checking your session…</Text>;
  if (viewer === null)
    return (
      <Text size="sm">
        Not signed in: put <code>{'{ "Authorization": "Bearer cpd_key_…" }'}</code> (an API key or a JWT) in
        Headers below, or{' '}
        <Anchor component={Link} to="/sign-in" state={{ from: `${location.pathname}${location.search}` }}>
          sign in
        </Anchor>{' '}
        to use your console session.
      </Text>
    );
  const who = viewer.kind === 'OPERATOR' ? 'the operator' : 'your tenant’s administrator';
  return (
    <Text size="sm">
      Requests run as {who} with your console session
      {viewer.kind === 'OPERATOR'
        ? tenant
          ? ', acting in the tenant named in Headers (X-CheckProof-Tenant)'
          : '; to act in a tenant, name it in Headers as X-CheckProof-Tenant'
        : ''}
      . An Authorization header in Headers (an API key or a JWT) is used instead.
    </Text>
  );
}

export default function GraphiQLPage() {
  const { viewer } = useSession();
  const [params] = useSearchParams();
  const [remember, setRememberState] = useState(remembered);

  useEffect(() => {
    document.title = 'GraphQL IDE · CheckProof Directory';
  }, []);

  const tenant = params.get('tenant');
  const urlQuery = params.get('query');
  const urlVariables = params.get('variables');
  const fetcher = useMemo(() => ideFetcher(), []);
  const defaultHeaders = tenant ? JSON.stringify({ 'X-CheckProof-Tenant': tenant }, null, 2) : undefined;
  const defaultTabs = useMemo(() => {
    const now = new Date();
    const examples = IDE_EXAMPLES.map((e, i) => ({
      query: e.query,
      variables: exampleVariables(i, now),
      ...(defaultHeaders ? { headers: defaultHeaders } : {}),
    }));
    // GET /graphql?query=… from a browser lands here with the query: its tab comes first.
    return urlQuery
      ? [
          {
            query: urlQuery,
            ...(urlVariables ? { variables: urlVariables } : {}),
            ...(defaultHeaders ? { headers: defaultHeaders } : {}),
          },
          ...examples,
        ]
      : examples;
  }, [urlQuery, urlVariables, defaultHeaders]);

  return (
    <div className="checkproof-ide">
      <header className="checkproof-ide-header">
        <Group justify="space-between" wrap="nowrap" gap="md">
          <Group gap="md" wrap="nowrap">
            <Title order={1} size="h4">
              GraphQL IDE
            </Title>
            <Anchor component={Link} to={viewer ? homeOf(viewer) : '/'} size="sm">
              Back to the console
            </Anchor>
          </Group>
          <Checkbox
            label="Remember on this device"
            description="Keep tabs, history and API-key or JWT headers in this browser; never the operator token"
            checked={remember}
            onChange={(e) => {
              const on = e.currentTarget.checked;
              setRemember(on);
              setRememberState(on);
            }}
          />
        </Group>
        <AuthNote viewer={viewer} tenant={tenant} />
      </header>
      <main className="checkproof-ide-main" id="main">
        <GraphiQL
          fetcher={fetcher}
          storage={ideStorage}
          // The storage decides what is kept: memory only, or this device without credentials.
          shouldPersistHeaders
          showPersistHeadersSettings={false}
          defaultTabs={defaultTabs}
          {...(urlQuery ? { initialQuery: urlQuery } : {})}
          {...(defaultHeaders ? { defaultHeaders } : {})}
          defaultEditorToolsVisibility
          plugins={plugins}
          forcedTheme="light"
        >
          <GraphiQL.Logo>CheckProof Directory</GraphiQL.Logo>
        </GraphiQL>
      </main>
    </div>
  );
}
