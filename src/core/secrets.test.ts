import { describe, expect, it } from "vitest";
import { maskSecrets, maskText, maskUrl, urlSecrets } from "./secrets.js";

describe("maskUrl / maskSecrets", () => {
  it("hides the password of a URL's user info and keeps user, host, port, database", () => {
    expect(maskUrl("postgres://user:s3cr3t@host:5432/db")).toBe("postgres://user:***@host:5432/db");
    expect(maskUrl("postgresql://u:p%40ss@h/db?schema=k")).toBe("postgresql://u:***@h/db?schema=k");
  });

  it("hides a password holding an unencoded @ up to the host", () => {
    expect(maskUrl("postgres://u:p@ss@host/db")).toBe("postgres://u:***@host/db");
  });

  it("hides secret query parameters and libpq key=value secrets", () => {
    expect(maskUrl("postgres://h/db?user=u&password=s3cr3t&sslmode=disable")).toBe(
      "postgres://h/db?user=u&password=***&sslmode=disable",
    );
    expect(maskUrl("postgres://h/db?sslpassword=k3y")).toBe("postgres://h/db?sslpassword=***");
    expect(maskSecrets("host=h password=s3cr3t dbname=d")).toBe("host=h password=*** dbname=d");
  });

  it("masks URLs inside free text and leaves text without credentials alone", () => {
    expect(maskSecrets('cannot open "postgres://a:b1b2@h/d": refused')).toBe(
      'cannot open "postgres://a:***@h/d": refused',
    );
    for (const plain of [
      "sqlite:.kairos/kairos.db",
      "postgres://user@host:5432/db",
      "https://example.com:8443/path?x=1",
      "mail me at a@b.c",
    ]) {
      expect(maskSecrets(plain)).toBe(plain);
    }
  });

  it("is idempotent", () => {
    const once = maskUrl("postgres://u:pw@h/db?password=x");
    expect(maskUrl(once)).toBe(once);
  });
});

describe("urlSecrets / maskText", () => {
  it("lists the URL's secrets as written and decoded, and maskText scrubs them anywhere", () => {
    const url = "postgres://u:p%40ssword@h/db?password=other-secret";
    expect(urlSecrets(url).sort()).toEqual(["other-secret", "p%40ssword", "p@ssword"]);
    expect(maskText("auth with p@ssword failed", urlSecrets(url))).toBe("auth with *** failed");
  });

  it("leaves out secrets too short to scrub safely", () => {
    expect(urlSecrets("postgres://u:pw@h/db")).toEqual([]);
  });
});
