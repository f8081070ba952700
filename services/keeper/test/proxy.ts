/**
 * A JSON-RPC fault-injection proxy between a keeper and anvil: drops connections (before or after forwarding),
 * answers 500, holds requests past the client's timeout, and reports every eth_sendRawTransaction.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import { Effect } from "effect";
import { keccak256, type Hex } from "viem";

export type Fault = "pass" | "drop-before" | "drop-after" | "500" | "hang";

export interface ProxyControl {
  readonly url: string;
  /** Decides the fault for the n-th request (1-based) with its methods. */
  fault: (n: number, methods: ReadonlyArray<string>) => Fault;
  /** Called when an eth_sendRawTransaction reached anvil (before the response goes back). */
  onSendRaw: (hash: Hex) => void;
  readonly stats: { requests: number; calls: number; methods: Map<string, number>; rawTxs: Set<Hex> };
  readonly close: Effect.Effect<void>;
}

export const startProxy = (upstream: string) =>
  Effect.async<ProxyControl>((resume) => {
    const stats = { requests: 0, calls: 0, methods: new Map<string, number>(), rawTxs: new Set<Hex>() };
    const control: ProxyControl = {
      url: "",
      fault: () => "pass",
      onSendRaw: () => undefined,
      stats,
      close: Effect.async<void>((done) => {
        server.closeAllConnections();
        server.close(() => done(Effect.void));
      }),
    };
    const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = Buffer.concat(chunks).toString();
        let calls: Array<{ method?: string; params?: unknown[] }> = [];
        try {
          const parsed = JSON.parse(body) as unknown;
          calls = (Array.isArray(parsed) ? parsed : [parsed]) as typeof calls;
        } catch {
          /* forwarded as is */
        }
        const methods = calls.map((c) => String(c.method));
        const n = ++stats.requests;
        stats.calls += calls.length;
        for (const m of methods) stats.methods.set(m, (stats.methods.get(m) ?? 0) + 1);
        const fault = control.fault(n, methods);
        if (fault === "drop-before") return void req.socket.destroy();
        if (fault === "500") return void res.writeHead(500, { "content-type": "text/plain" }).end("injected 500");
        if (fault === "hang") return void setTimeout(() => req.socket.destroy(), 5_000);
        fetch(upstream, { method: "POST", headers: { "content-type": "application/json" }, body }).then(
          async (upstreamRes) => {
            const text = await upstreamRes.text();
            for (const c of calls) {
              if (c.method === "eth_sendRawTransaction") {
                const raw = (c.params?.[0] ?? "0x") as Hex;
                stats.rawTxs.add(raw);
                control.onSendRaw(keccak256(raw));
              }
            }
            if (fault === "drop-after") return void req.socket.destroy();
            res.writeHead(upstreamRes.status, { "content-type": "application/json" }).end(text);
          },
          () => req.socket.destroy(),
        );
      });
    });
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      (control as { url: string }).url = `http://127.0.0.1:${port}`;
      resume(Effect.succeed(control));
    });
  });

/** The proxy as a scoped resource. */
export const proxy = (upstream: string) => Effect.acquireRelease(startProxy(upstream), (p) => p.close);
