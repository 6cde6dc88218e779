import { Button, Center, Stack } from '@mantine/core';
import { lazy, Suspense, type ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { ErrorAlert, Loading } from './components/States';
import { SignInPage } from './pages/SignIn';
import { SetupPage } from './pages/Setup';
import { homeOf, useSession } from './session';

// The sign-in and setup pages are in the first download; everything behind a session is loaded on demand.
const TenantsPage = lazy(() => import('./pages/Tenants'));
const TenantLayout = lazy(() => import('./pages/TenantLayout'));
const ProvisioningPage = lazy(() => import('./pages/Provisioning'));
const ActivityPage = lazy(() => import('./pages/Activity'));
const UsersPage = lazy(() => import('./pages/Users'));
const UserPage = lazy(() => import('./pages/User'));
const GroupsPage = lazy(() => import('./pages/Groups'));
const GroupPage = lazy(() => import('./pages/Group'));
const RolesPage = lazy(() => import('./pages/Roles'));
const DeletedPage = lazy(() => import('./pages/Deleted'));
const WebhooksPage = lazy(() => import('./pages/Webhooks'));
const WebhookEndpointPage = lazy(() => import('./pages/WebhookEndpoint'));
const NotFoundPage = lazy(() => import('./pages/NotFound'));
// GraphiQL and Monaco: by far the largest chunk, loaded only on this route.
const GraphiQLPage = lazy(() => import('./pages/GraphiQL'));

/** Renders its children for a signed-in viewer, else sends them to sign-in. */
function SignedIn({ children, operator }: { children: ReactNode; operator?: boolean }) {
  const { viewer, error, reload } = useSession();
  const location = useLocation();
  if (error)
    return (
      <Center p="xl">
        <Stack>
          <ErrorAlert error={error} title="The console cannot reach the service" />
          <Button onClick={reload}>Try again</Button>
        </Stack>
      </Center>
    );
  if (viewer === undefined) return <Loading />;
  if (viewer === null) return <Navigate to="/sign-in" replace state={{ from: location.pathname }} />;
  if (operator && viewer.kind !== 'OPERATOR') return <Navigate to={homeOf(viewer)} replace />;
  return <>{children}</>;
}

function Home() {
  const { viewer } = useSession();
  if (viewer === undefined) return <Loading />;
  return <Navigate to={viewer ? homeOf(viewer) : '/sign-in'} replace />;
}

export function App() {
  return (
    <Suspense fallback={<Loading />}>
      <Routes>
        <Route index element={<Home />} />
        <Route path="sign-in" element={<SignInPage />} />
        <Route path="setup/:secret" element={<SetupPage />} />
        {/* Open without a session too: an API key or a JWT in its header editor works (docs/graphql.md). */}
        <Route path="graphql" element={<GraphiQLPage />} />
        <Route
          path="tenants"
          element={
            <SignedIn operator>
              <TenantsPage />
            </SignedIn>
          }
        />
        <Route
          path="t/:tenantId"
          element={
            <SignedIn>
              <TenantLayout />
            </SignedIn>
          }
        >
          <Route index element={<Navigate to="settings/provisioning" replace />} />
          <Route path="provisioning" element={<Navigate to="../settings/provisioning" replace />} />
          <Route path="settings/provisioning" element={<ProvisioningPage />} />
          <Route path="activity" element={<ActivityPage />} />
          <Route path="webhooks" element={<WebhooksPage />} />
          <Route path="webhooks/:id" element={<WebhookEndpointPage />} />
          <Route path="users" element={<UsersPage />} />
          <Route path="users/:id" element={<UserPage />} />
          <Route path="groups" element={<GroupsPage />} />
          <Route path="groups/:id" element={<GroupPage />} />
          <Route path="roles" element={<RolesPage />} />
          <Route path="deleted" element={<DeletedPage />} />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
        <Route
          path="*"
          element={
            <main>
              <NotFoundPage />
            </main>
          }
        />
      </Routes>
    </Suspense>
  );
}
