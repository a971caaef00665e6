// Rendering a component the way the app does: inside the language provider and a router (kept on rerender).
import { render } from "@testing-library/react";
import type { ReactElement, ReactNode } from "react";
import { MemoryRouter } from "react-router";
import { I18nProvider } from "../i18n/I18nProvider";
import type { Language } from "../i18n/messages";

export function renderInApp(ui: ReactElement, language: Language = "en") {
  const wrapper = ({ children }: { children: ReactNode }) => (
    <I18nProvider language={language}>
      <MemoryRouter>{children}</MemoryRouter>
    </I18nProvider>
  );
  return render(ui, { wrapper });
}
