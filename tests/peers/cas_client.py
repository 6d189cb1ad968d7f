"""A campus application that signs its users in with python-cas, judged against a running ENT.

Usage: cas_client.py BASE_URL IDENTIFIER PASSWORD

It serves a small web site on loopback (a CAS client with its proxy callback and its Single
Logout receiver), plays a browser that signs in on the ENT and opens the site, and checks what
python-cas makes of the answers: CAS 1, 2 and 3 validation, attributes, a proxy ticket for a
back-end service, and the logout request (SAML, parsed by python-cas) after « Se déconnecter ».
Prints one line per check; exits non-zero on the first failure.
"""

import json
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests
from cas import CASClient, CASClientV2

BASE, IDENTIFIER, PASSWORD = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
SERVER_URL = BASE + "/cas/"  # python-cas wants the trailing slash
BACK_END = "http://localhost:8002/search"  # `annuaire-ldap` in config/test.toml: takes proxy tickets

received = {"pgt": {}, "logouts": [], "validated": {}}


class ProxyValidator(CASClientV2):
    """CAS 3's proxyValidate, where a back-end service checks a proxy ticket."""

    url_suffix = "p3/proxyValidate"


def client(version, service_url, **kwargs):
    return CASClient(version=version, service_url=service_url, server_url=SERVER_URL, **kwargs)


class Site(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, body=b"", location=None):
        self.send_response(status)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        if url.path == "/pgt":
            if "pgtIou" in query:
                received["pgt"][query["pgtIou"]] = query["pgtId"]
            return self.answer(200)
        version = int(url.path.strip("/").split("/")[0] or 3)
        service = f"{ORIGIN}/{version}/"
        proxying = {"proxy_callback": f"{ORIGIN}/pgt"} if version == 3 else {}
        cas = client(version, service, **proxying)
        ticket = query.get("ticket")
        if not ticket:
            return self.answer(302, location=cas.get_login_url())
        if version == 1:
            # python-cas 1.6's CAS 1 client compares bytes with "yes" and so never succeeds on
            # Python 3: the answer is read as the specification writes it instead.
            answer = requests.get(SERVER_URL + "validate", params={"ticket": ticket, "service": service})
            user, attributes, pgtiou = (answer.text.split("\n")[1] if answer.text.startswith("yes\n") else None), None, None
        else:
            user, attributes, pgtiou = cas.verify_ticket(ticket)
        received["validated"][version] = (ticket, user, attributes, pgtiou)
        self.answer(200, json.dumps({"user": user}).encode())

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
        request = form.get("logoutRequest", "")
        indexes = CASClient(version=3, server_url=SERVER_URL).get_saml_slos(request)
        received["logouts"].append(indexes[0].text if indexes else None)
        self.answer(200)


server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
ORIGIN = f"http://127.0.0.1:{server.server_port}"
threading.Thread(target=server.serve_forever, daemon=True).start()


def check(what, ok, detail=""):
    print(("ok   " if ok else "FAIL ") + what + (f": {detail}" if detail and not ok else ""))
    if not ok:
        sys.exit(1)


browser = requests.Session()
login = browser.post(f"{BASE}/api/session", json={"identifier": IDENTIFIER, "password": PASSWORD})
check("signed in on the ENT", login.status_code == 200, login.text)
csrf = login.json()["me"]["csrf_token"]
for cookie in browser.cookies:
    cookie.secure = False  # browsers send Secure cookies to http://127.0.0.1; requests does not

for version in (1, 2, 3):
    page = browser.get(f"{ORIGIN}/{version}/")
    check(
        f"CAS {version}: the site opened signed in as {IDENTIFIER}",
        page.status_code == 200 and page.text == json.dumps({"user": IDENTIFIER}),
        f"{page.url} {page.text[:200]}",
    )

ticket, _, attributes, pgtiou = received["validated"][3]
check("CAS 3: attributes", attributes and attributes.get("sn") and attributes.get("uid") == IDENTIFIER, attributes)
check("CAS 3: a multi-valued attribute is a list", isinstance(attributes.get("eduPersonAffiliation"), list), attributes)
check("CAS 3: authentication facts", attributes.get("isFromNewLogin") == "false", attributes)
pgt = received["pgt"].get(pgtiou)
check("proxy: the callback received the proxy-granting ticket", pgt is not None and pgt.startswith("PGT-"), received["pgt"])
# python-cas builds `server_url + "/proxy"`: with the trailing slash its validation needs, that
# is `/cas//proxy`, so the proxying client is given the address without it.
proxying = CASClient(version=3, service_url=BACK_END, server_url=BASE + "/cas")
proxy_ticket = proxying.get_proxy_ticket(pgt)
check("proxy: a proxy ticket for the back end", proxy_ticket.startswith("PT-"), proxy_ticket)
user, _, _ = ProxyValidator(service_url=BACK_END, server_url=SERVER_URL).verify_ticket(proxy_ticket)
check("proxy: the back end validated it", user == IDENTIFIER, user)
check("a ticket serves once", client(3, f"{ORIGIN}/3/").verify_ticket(ticket)[0] is None)

logout = browser.delete(f"{BASE}/api/session", headers={"X-CSRF-Token": csrf})
check("« Se déconnecter »", logout.status_code == 204, logout.text)
service_tickets = {received["validated"][v][0] for v in (1, 2, 3)}
deadline = time.time() + 20
while time.time() < deadline and len(received["logouts"]) < 3:
    time.sleep(0.2)
check(
    "Single Logout reached the site for each ticket, SessionIndex parsed by python-cas",
    set(received["logouts"]) == service_tickets,
    received["logouts"],
)
