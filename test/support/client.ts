/** A plain HTTPS client with a client certificate, for requests kubectl cannot make (exact status codes, raw bodies). */
import { request as httpsRequest } from 'node:https';

export interface ClientIdentity {
  ca: string;
  cert?: string;
  key?: string;
  /** The name the server's certificate is checked against (and sent as SNI), when it is not the URL's host. */
  servername?: string;
}

export interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: any;
}

export function call(
  baseUrl: string,
  id: ClientIdentity,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const req = httpsRequest(
      new URL(path, baseUrl),
      {
        method,
        ca: id.ca,
        cert: id.cert,
        key: id.key,
        servername: id.servername,
        // Content-Length always: Node frames a DELETE body by nothing else (no chunked encoding by default for
        // DELETE), and the server would read the body as the next request on the connection.
        headers: {
          ...(payload !== undefined ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) } : {}),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return { text: line };
  }
}

/**
 * Opens a watch and collects events until `count` arrived (or the stream ends, or `timeoutMs` passes). A
 * refused watch answers one Status, which may lack the final newline: it is collected as an event too, and
 * a line that is not JSON as `{ text }`.
 */
export function watchEvents(
  baseUrl: string,
  id: ClientIdentity,
  path: string,
  count: number,
  timeoutMs = 15_000,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Response['headers']; events: any[] }> {
  return new Promise((resolve, reject) => {
    const events: any[] = [];
    let buffered = '';
    const req = httpsRequest(
      new URL(path, baseUrl),
      { method: 'GET', ca: id.ca, cert: id.cert, key: id.key, servername: id.servername, headers },
      (res) => {
        let done = false;
        const finish = (): void => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          req.destroy();
          resolve({ status: res.statusCode ?? 0, headers: res.headers, events });
        };
        const timer = setTimeout(finish, timeoutMs);
        res.on('data', (chunk: Buffer) => {
          buffered += chunk.toString();
          let nl = buffered.indexOf('\n');
          while (nl >= 0) {
            const line = buffered.slice(0, nl);
            buffered = buffered.slice(nl + 1);
            if (line.trim()) events.push(parseLine(line));
            nl = buffered.indexOf('\n');
          }
          if (events.length >= count) finish();
        });
        res.on('end', () => {
          if (buffered.trim()) events.push(parseLine(buffered));
          finish();
        });
      },
    );
    req.on('error', (err) => (events.length >= count ? undefined : reject(err)));
    req.end();
  });
}
