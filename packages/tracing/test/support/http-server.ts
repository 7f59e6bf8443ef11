// Test support: a real node:http server on 127.0.0.1 (random port) for tests that cross a process
// boundary the way two services do.
import { createServer } from "node:http";
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface TestServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** The headers of every request received, in order. */
  readonly received: IncomingHttpHeaders[];
  /** Errors thrown by the handler (each one also answered with a 500). */
  readonly errors: unknown[];
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** Starts a server on 127.0.0.1:0 that runs `handler` for every request (200 "ok" if it does not answer). */
export async function startServer(handler: Handler = () => undefined): Promise<TestServer> {
  const received: IncomingHttpHeaders[] = [];
  const errors: unknown[] = [];
  const server = createServer((req, res) => {
    received.push(req.headers);
    Promise.resolve()
      .then(() => handler(req, res))
      .then(
        () => {
          req.resume(); // drain a body the handler did not read
          if (!res.headersSent) res.end("ok");
        },
        (error: unknown) => {
          errors.push(error);
          if (!res.headersSent) res.statusCode = 500;
          res.end(String(error));
        },
      );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    received,
    errors,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Reads a request body as text. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
