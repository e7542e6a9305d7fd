/**
 * Serving on a socket: the loopback rule without auth, a free port, and a close that waits
 * for requests in flight but cuts a stream that never ends.
 */
import { describe, expect, it } from "vitest";
import { isLoopbackHost, listen } from "../../src/api/listen.js";
import { ValidationError } from "../../src/core/errors.js";

const hello = { fetch: () => new Response("hi") };

describe("listen", () => {
  it("knows loopback hosts", () => {
    for (const h of ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]"]) {
      expect(isLoopbackHost(h)).toBe(true);
    }
    for (const h of ["0.0.0.0", "10.0.0.5", "::", "example.com", "128.0.0.1"]) {
      expect(isLoopbackHost(h)).toBe(false);
    }
  });

  it("refuses a non-loopback address while auth is off, and allows it with auth", async () => {
    await expect(listen(hello, { host: "0.0.0.0", port: 0, authOn: false })).rejects.toThrow(
      ValidationError,
    );
    await expect(listen(hello, { host: "0.0.0.0", port: 0, authOn: false })).rejects.toThrow(
      /kairos tokens create/,
    );
    const served = await listen(hello, { host: "0.0.0.0", port: 0, authOn: true });
    await served.close();
  });

  it("serves on a free port and prints a reachable URL", async () => {
    const served = await listen(hello, { host: "127.0.0.1", port: 0, authOn: false });
    try {
      expect(served.url).toBe(`http://127.0.0.1:${served.port}`);
      expect(await (await fetch(served.url)).text()).toBe("hi");
    } finally {
      await served.close();
    }
  });

  it("rejects when the port is taken", async () => {
    const first = await listen(hello, { host: "127.0.0.1", port: 0, authOn: false });
    try {
      await expect(
        listen(hello, { host: "127.0.0.1", port: first.port, authOn: false }),
      ).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await first.close();
    }
  });

  it("close cuts a stream that never ends after the grace period", async () => {
    const endless = {
      fetch: () =>
        new Response(
          new ReadableStream({
            start(controller) {
              controller.enqueue(new TextEncoder().encode("tick\n"));
            },
          }),
        ),
    };
    const served = await listen(endless, { host: "127.0.0.1", port: 0, authOn: false });
    const response = await fetch(served.url);
    const reader = response.body!.getReader();
    await reader.read();
    await served.close(50);
    await expect(
      (async () => {
        // The socket is cut: the body ends, or (undici) fails with "terminated".
        for (;;) {
          const read = await reader.read().catch(() => ({ done: true }));
          if (read.done) return "ended";
        }
      })(),
    ).resolves.toBe("ended");
  });
});
