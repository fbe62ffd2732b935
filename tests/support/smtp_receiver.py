#!/usr/bin/python3
"""A real SMTP server for the e-mail tests (aiosmtpd, Debian's python3-aiosmtpd).

  smtp_receiver.py serve --mode starttls|tls|plain|hang --out DIR [--cert PEM --key PEM]
                         [--user NAME --password SECRET]
      Listens on 127.0.0.1 on an ephemeral port, prints "port N" and serves until killed.
      starttls: STARTTLS required before anything else (require_starttls), AUTH only after TLS.
      tls:      TLS from the first byte (implicit TLS, as on port 465); offers AUTH LOGIN only.
      plain:    no STARTTLS at all, AUTH offered in clear: what a client must refuse.
      hang:     accepts connections and never says anything; logs "connected" and, when the
                client goes away, "closed" to DIR/commands.log.
      Every message is written to DIR/msg-N.json (envelope, TLS, authenticated user, raw data);
      every EHLO/AUTH/MAIL/RCPT/DATA is appended to DIR/commands.log as it arrives.

  smtp_receiver.py parse FILE
      Parses a msg-N.json back with Python's email module and prints one "key: value" line per
      fact the tests check (envelope, headers decoded, each part's type and decoded text).

Run it with /usr/bin/python3: a Python from elsewhere may lack the Debian modules.
"""

import argparse
import asyncio
import email
import email.header
import email.policy
import json
import os
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult


class Recorder:
    def __init__(self, out):
        self.out = out
        self.count = 0

    def log(self, line):
        with open(os.path.join(self.out, "commands.log"), "a") as f:
            f.write(line + "\n")

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.log("EHLO " + hostname)
        session.host_name = hostname
        return responses

    async def handle_MAIL(self, server, session, envelope, address, options):
        self.log("MAIL " + address)
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, options):
        self.log("RCPT " + address)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.log("DATA")
        self.count += 1
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "tls": server.transport.get_extra_info("ssl_object") is not None,
            "auth_user": getattr(session, "slob_user", None),
            "data": envelope.original_content.decode("utf-8", "surrogateescape"),
        }
        path = os.path.join(self.out, "msg-%d.json" % self.count)
        with open(path + ".tmp", "w") as f:
            json.dump(record, f)
        os.rename(path + ".tmp", path)
        return "250 OK queued as %d" % self.count


def authenticator(recorder, user, password):
    def check(server, session, envelope, mechanism, auth_data):
        login = auth_data.login.decode()
        ok = login == user and auth_data.password.decode() == password
        recorder.log("AUTH %s %s %s" % (mechanism, login, "ok" if ok else "refused"))
        if ok:
            session.slob_user = login
        # handled=False: aiosmtpd itself answers a failure with 535.
        return AuthResult(success=ok, handled=False)
    return check


def hang(recorder):
    async def serve_one(reader, writer):
        recorder.log("connected")
        await reader.read()  # says nothing; returns only when the client goes away
        recorder.log("closed")
        writer.close()
    return serve_one


async def serve(args):
    recorder = Recorder(args.out)
    tls = None
    if args.cert:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(args.cert, args.key)
    auth = authenticator(recorder, args.user, args.password)
    loop = asyncio.get_running_loop()
    if args.mode == "hang":
        server = await asyncio.start_server(hang(recorder), "127.0.0.1", 0)
    elif args.mode == "starttls":
        server = await loop.create_server(
            lambda: SMTP(recorder, hostname="receiver.test", tls_context=tls, require_starttls=True,
                         authenticator=auth, auth_require_tls=True, auth_required=True),
            "127.0.0.1", 0)
    elif args.mode == "tls":
        server = await loop.create_server(
            lambda: SMTP(recorder, hostname="receiver.test", authenticator=auth,
                         auth_required=True, auth_require_tls=False,
                         auth_exclude_mechanism=["PLAIN"]),
            "127.0.0.1", 0, ssl=tls)
    else:  # plain
        server = await loop.create_server(
            lambda: SMTP(recorder, hostname="receiver.test", authenticator=auth,
                         auth_require_tls=False),
            "127.0.0.1", 0)
    print("port %d" % server.sockets[0].getsockname()[1], flush=True)
    await asyncio.Event().wait()


def parse(path):
    sys.stdout.reconfigure(encoding="utf-8")
    with open(path) as f:
        record = json.load(f)
    print("mail_from: %s" % record["mail_from"])
    print("rcpt_tos: %s" % ",".join(record["rcpt_tos"]))
    print("tls: %s" % record["tls"])
    print("auth_user: %s" % record["auth_user"])
    raw = record["data"]
    print("crlf_only: %s" % (raw.count("\n") == raw.count("\r\n")))
    # CRLF is the wire form; a mail store keeps LF, as the parser expects.
    msg = email.message_from_string(raw.replace("\r\n", "\n"), policy=email.policy.default)
    for name in ("From", "To", "Subject", "Date", "Message-ID", "MIME-Version"):
        value = msg[name]
        print("%s: %s" % (name, " ".join(str(value).split()) if value is not None else None))
    print("content_type: %s" % msg.get_content_type())
    print("defects: %d" % len(msg.defects))
    for part in msg.iter_parts():
        print("part: %s %s %s" % (part.get_content_type(), part.get_content_charset(),
                                  part["Content-Transfer-Encoding"]))
        print("part_defects: %d" % len(part.defects))
        print("body: %s" % json.dumps(part.get_content(), ensure_ascii=False))


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve")
    s.add_argument("--mode", choices=["starttls", "tls", "plain", "hang"], required=True)
    s.add_argument("--out", required=True)
    s.add_argument("--cert")
    s.add_argument("--key")
    s.add_argument("--user", default="alerts")
    s.add_argument("--password", default="secret")
    p = sub.add_parser("parse")
    p.add_argument("file")
    args = parser.parse_args()
    if args.command == "serve":
        asyncio.run(serve(args))
    else:
        parse(args.file)


if __name__ == "__main__":
    sys.exit(main())
