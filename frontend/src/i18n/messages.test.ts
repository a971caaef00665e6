import { describe, expect, it } from "vitest";
import { en, errorKey, ja, LANGUAGES, MESSAGES, translate } from "./messages";

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("the dictionaries", () => {
  it("have every key in every language, and no other", () => {
    for (const language of LANGUAGES) {
      expect(Object.keys(MESSAGES[language]).sort()).toEqual(Object.keys(en).sort());
    }
  });

  it("leave no string empty", () => {
    for (const language of LANGUAGES) {
      for (const [key, value] of Object.entries(MESSAGES[language])) {
        expect(value.trim(), `${language} ${key}`).not.toBe("");
      }
    }
  });

  it("translate every sentence into Japanese (no English left in the Japanese dictionary)", () => {
    // Product, format and protocol names stay as they are.
    const names = /OpenAI|API|SRT|WebVTT|CSV|MCP|Authorization: Bearer|\/v1|\/mcp|\{\w+\}/g;
    const keepAsIs = /^(Ask Video|OpenAI|API|SRT|WebVTT|CSV|\{\w+\}|[\s\p{P}\d%/↑↓])+$/u;
    for (const [key, value] of Object.entries(ja)) {
      const withoutNames = value.replace(names, "");
      expect(/[぀-ヿ一-鿿]/u.test(value) || keepAsIs.test(value), `ja ${key}: ${value}`).toBe(true);
      expect(/[A-Za-z]{4,}/.test(withoutNames), `ja ${key} has English words: ${value}`).toBe(false);
    }
  });

  it("use the same placeholders in both languages", () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(placeholders(ja[key]), key).toEqual(placeholders(en[key]));
    }
  });
});

describe("translate", () => {
  it("fills placeholders and leaves unknown ones visible", () => {
    expect(translate("en", "videos.count", { count: "2", limit: "10" })).toBe("2 of 10 videos");
    expect(translate("ja", "videos.count", { count: "2", limit: "10" })).toBe("2 / 10 本");
    expect(translate("en", "videos.count", { count: "2" })).toBe("2 of {limit} videos");
  });

  it("sums up API error codes, with a generic sentence for unknown ones", () => {
    expect(translate("ja", errorKey("rate_limited"))).toContain("試行が多すぎます");
    expect(errorKey("something_new")).toBe("error.generic");
  });
});
