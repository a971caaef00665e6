import { useState } from "react";
import { createBrowserRouter, RouterProvider, type RouteObject } from "react-router";
import { Layout } from "./components/Layout";
import { RequireSession, RequireVisitor } from "./components/RequireSession";
import { I18nProvider } from "./i18n/I18nProvider";
import { CheckEmailPage } from "./pages/CheckEmailPage";
import { ErrorPage } from "./pages/ErrorPage";
import { ForgotPasswordPage } from "./pages/ForgotPasswordPage";
import { GroupDetailPage } from "./pages/GroupDetailPage";
import { GroupsPage } from "./pages/GroupsPage";
import { LandingPage } from "./pages/LandingPage";
import { LogInPage } from "./pages/LogInPage";
import { NotFoundPage } from "./pages/NotFoundPage";
import { ResetPasswordPage } from "./pages/ResetPasswordPage";
import { SearchPage } from "./pages/SearchPage";
import { SettingsPage } from "./pages/SettingsPage";
import { SharedGroupPage } from "./pages/SharedGroupPage";
import { SignUpPage } from "./pages/SignUpPage";
import { VerifyEmailPage } from "./pages/VerifyEmailPage";
import { VideoDetailPage } from "./pages/VideoDetailPage";
import { VideosPage } from "./pages/VideosPage";
import { SessionProvider } from "./session/SessionProvider";

// `/verify-email` and `/reset-password` are the addresses in the account emails; `/shared/:token` is the path the
// API returns for a share link. Keep them in step with the API.
export const routes: RouteObject[] = [
  {
    element: <Layout />,
    errorElement: <ErrorPage />,
    children: [
      { index: true, element: <LandingPage /> },
      {
        element: <RequireVisitor />,
        children: [
          { path: "signup", element: <SignUpPage /> },
          { path: "login", element: <LogInPage /> },
        ],
      },
      { path: "check-email", element: <CheckEmailPage /> },
      { path: "verify-email", element: <VerifyEmailPage /> },
      { path: "forgot-password", element: <ForgotPasswordPage /> },
      { path: "reset-password", element: <ResetPasswordPage /> },
      { path: "shared/:token", element: <SharedGroupPage /> },
      {
        element: <RequireSession />,
        children: [
          { path: "videos", element: <VideosPage /> },
          { path: "videos/:videoId", element: <VideoDetailPage /> },
          { path: "search", element: <SearchPage /> },
          { path: "groups", element: <GroupsPage /> },
          { path: "groups/:groupId", element: <GroupDetailPage /> },
          { path: "settings", element: <SettingsPage /> },
        ],
      },
      { path: "*", element: <NotFoundPage /> },
    ],
  },
];

export function App() {
  const [router] = useState(() => createBrowserRouter(routes));
  return (
    <I18nProvider>
      <SessionProvider>
        <RouterProvider router={router} />
      </SessionProvider>
    </I18nProvider>
  );
}
