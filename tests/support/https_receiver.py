#!/usr/bin/python3
"""A webhook receiver for the transport tests: HTTP, or HTTPS with --cert/--key.

Listens on 127.0.0.1 (port 0 unless --port), prints the port on stdout, then records every
request it reads in full as one JSON line {"method", "path", "headers", "body"} in --record,
before answering. --status N answers N (default 200); --hang reads and records the request,
then never answers, and writes "receiver: the client closed the connection" to stderr when the
client closes it. --reply-bytes N answers a body of N "x" instead of {"ok": ...}, framed by
--framing: Content-Length (default), chunked, or the end of the connection. --telegram answers
as the Bot API does: {"ok": true, "result": {...}} for a 2xx status, else {"ok": false,
"error_code": N, "description": --description}, with "parameters": {"retry_after":
--retry-after} when that is given. A client whose TLS handshake fails sends no request, so
nothing is recorded.
Run by the tests as a child process and killed by PID.
"""

import argparse
import http.server
import json
import ssl
import sys
import threading


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--record", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--status", type=int, default=200)
    parser.add_argument("--hang", action="store_true")
    parser.add_argument("--reply-bytes", type=int)
    parser.add_argument("--framing", choices=["length", "chunked", "eof"], default="length")
    parser.add_argument("--telegram", action="store_true")
    parser.add_argument("--description", default="Bad Request")
    parser.add_argument("--retry-after", type=int)
    args = parser.parse_args()
    lock = threading.Lock()

    def telegram_reply():
        if 200 <= args.status < 300:
            return {"ok": True, "result": {"message_id": 1, "chat": {"id": -100}}}
        reply = {"ok": False, "error_code": args.status, "description": args.description}
        if args.retry_after is not None:
            reply["parameters"] = {"retry_after": args.retry_after}
        return reply

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            entry = {
                "method": self.command,
                "path": self.path,
                "headers": {k: v for k, v in self.headers.items()},
                "body": body.decode("utf-8", "replace"),
            }
            with lock, open(args.record, "a", encoding="utf-8") as f:
                f.write(json.dumps(entry) + "\n")
            if args.hang:
                # Until the client goes: EOF, or a TLS error when it closes without close_notify.
                try:
                    while self.rfile.read(1):
                        pass
                except (ssl.SSLError, OSError):
                    pass
                sys.stderr.write("receiver: the client closed the connection\n")
                sys.stderr.flush()
                self.close_connection = True
                return
            if args.telegram:
                reply = json.dumps(telegram_reply()).encode()
            elif args.reply_bytes is None:
                reply = json.dumps({"ok": 200 <= args.status < 300}).encode()
            else:
                reply = b"x" * args.reply_bytes
            self.send_response(args.status)
            self.send_header("Content-Type", "application/json")
            if args.framing == "length":
                self.send_header("Content-Length", str(len(reply)))
            elif args.framing == "chunked":
                self.send_header("Transfer-Encoding", "chunked")
                reply = b"%x\r\n%s\r\n0\r\n\r\n" % (len(reply), reply)
            self.send_header("Connection", "close")
            # Header and body in one write, so the body's first bytes reach the client with
            # the header, as from most servers (and as Beast's eager-read bug needs).
            self._headers_buffer.append(b"\r\n" + reply)
            self.flush_headers()
            self.close_connection = True

        def log_message(self, fmt, *a):
            sys.stderr.write("receiver: " + (fmt % a) + "\n")

    class Server(http.server.ThreadingHTTPServer):
        daemon_threads = True
        context = None

        def finish_request(self, request, client_address):
            # The handshake runs here, in the request's thread, so a client that fails it
            # (or never starts it) cannot stall the accept loop.
            if self.context is not None:
                try:
                    request = self.context.wrap_socket(request, server_side=True)
                except (ssl.SSLError, OSError) as e:
                    sys.stderr.write("receiver: TLS handshake failed: %s\n" % e)
                    return
            super().finish_request(request, client_address)

    server = Server(("127.0.0.1", args.port), Handler)
    if args.cert:
        server.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        server.context.load_cert_chain(args.cert, args.key)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
