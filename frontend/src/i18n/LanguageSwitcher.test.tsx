import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { I18nProvider, useI18n } from "./I18nProvider";
import { LanguageSwitcher } from "./LanguageSwitcher";

function Heading() {
  const { t } = useI18n();
  return <h1>{t("videos.title")}</h1>;
}

function renderPage() {
  return render(
    <I18nProvider>
      <LanguageSwitcher />
      <Heading />
    </I18nProvider>,
  );
}

afterEach(() => {
  cleanup();
  localStorage.clear();
});

describe("LanguageSwitcher", () => {
  it("switches the strings to Japanese, sets <html lang> and remembers the choice", () => {
    renderPage();
    expect(screen.getByRole("heading").textContent).toBe("Videos");
    fireEvent.change(screen.getByLabelText("Language"), { target: { value: "ja" } });
    expect(screen.getByRole("heading").textContent).toBe("動画");
    expect(screen.getByLabelText("言語")).toBeTruthy();
    expect(document.documentElement.lang).toBe("ja");
    expect(localStorage.getItem("askvideo.language")).toBe("ja");
    cleanup();
    renderPage();
    expect(screen.getByRole("heading").textContent).toBe("動画");
  });
});
