"""A loopback SMTP server for the couriers' tests (aiosmtpd).

Prints {"port": N} once listening, then one JSON line per message received: the envelope, the
login used, and the headers and body as Python's own e-mail parser reads them, so that what
lettre wrote is checked by independent code. With --user and --password, AUTH is required
(over plain text: loopback only).
"""

import argparse
import asyncio
import email
import email.policy
import json
import logging
import socket
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Recorder:
    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        login = session.auth_data.login.decode() if session.auth_data else None
        print(json.dumps({
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "login": login,
            "from": str(message["From"]),
            "to": str(message["To"]),
            "subject": str(message["Subject"]),
            "date": str(message["Date"]),
            "message_id": str(message["Message-ID"]),
            "content_type": message.get_content_type(),
            "charset": message.get_content_charset(),
            "body": message.get_content(),
        }), flush=True)
        return "250 OK"


def authenticator_for(user, password):
    expected = LoginPassword(user.encode(), password.encode())

    def authenticate(server, session, envelope, mechanism, auth_data):
        return AuthResult(success=auth_data == expected, auth_data=auth_data)

    return authenticate


async def main():
    # Plain-text AUTH on loopback is what this server is for: no warning about it on every run.
    warnings.simplefilter("ignore")
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser()
    parser.add_argument("--user")
    parser.add_argument("--password")
    args = parser.parse_args()
    auth = args.user is not None
    authenticator = authenticator_for(args.user, args.password) if auth else None

    # Port 0: the system picks a free port, and there is no window in which another process
    # could take it.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = await asyncio.get_running_loop().create_server(
        lambda: SMTP(
            Recorder(),
            authenticator=authenticator,
            auth_required=auth,
            auth_require_tls=False,
        ),
        sock=sock,
    )
    print(json.dumps({"port": sock.getsockname()[1]}), flush=True)
    await server.serve_forever()


asyncio.run(main())
