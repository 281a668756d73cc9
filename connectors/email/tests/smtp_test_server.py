#!/usr/bin/python3
"""A real SMTP server for the email connector's tests, on aiosmtpd (Debian's python3-aiosmtpd).

Listens on 127.0.0.1 on a free port and prints "PORT <n>" once it accepts connections. With
--cert/--key it offers STARTTLS and requires it before AUTH and MAIL; AUTH (PLAIN or LOGIN) with
--user/--password is always required. Every message it gets is written to --out as one JSON file
(envelope, raw content, parsed headers and decoded body, and whether TLS and AUTH were used),
before the server answers, so a test that saw the 250 can read the file at once.
--data-reply makes the server answer DATA with that reply (e.g. "451 4.3.0 try later") instead.
"""
import argparse
import asyncio
import json
import os
import ssl
import sys
from email import message_from_bytes, policy

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class RecordingHandler:
    def __init__(self, out_dir, data_reply):
        self.out_dir = out_dir
        self.data_reply = data_reply
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        accepted = self.data_reply.startswith("250")
        self.count += 1
        self.write(self.record(session, envelope, accepted))
        return self.data_reply

    def record(self, session, envelope, accepted):
        raw = envelope.original_content or b""
        parsed = message_from_bytes(raw, policy=policy.default)
        return {
            "accepted": accepted,
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "tls": session.ssl is not None,
            "authenticated": bool(session.authenticated),
            "auth_user": session.auth_data,
            "auth_mechanism": getattr(session, "auth_mechanism", None),
            "raw": raw.decode("utf-8", errors="replace"),
            "headers": {k: str(v) for k, v in parsed.items()},
            "content_type": parsed.get_content_type(),
            "charset": parsed.get_content_charset(),
            "body": parsed.get_content() if not parsed.is_multipart() else None,
        }

    def write(self, record):
        # Written whole, then renamed: a reader never sees half a file.
        path = os.path.join(self.out_dir, "msg-%06d.json" % self.count)
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            json.dump(record, f)
        os.replace(path + ".tmp", path)


def make_authenticator(user, password):
    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login == user.encode()
              and auth_data.password == password.encode())
        if ok:
            session.auth_mechanism = mechanism
        return AuthResult(success=ok, handled=False, auth_data=user if ok else None)
    return authenticate


def tls_context(cert, key):
    if not cert:
        return None
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


async def serve(args):
    loop = asyncio.get_running_loop()
    handler = RecordingHandler(args.out, args.data_reply)
    context = tls_context(args.cert, args.key)

    def session():
        return SMTP(handler, hostname="localhost", tls_context=context, require_starttls=context is not None,
                    auth_required=True, auth_require_tls=context is not None,
                    authenticator=make_authenticator(args.user, args.password), loop=loop)

    server = await loop.create_server(session, host="127.0.0.1", port=0)
    print("PORT", server.sockets[0].getsockname()[1], flush=True)
    await asyncio.Event().wait()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--data-reply", default="250 OK")
    asyncio.run(serve(p.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
