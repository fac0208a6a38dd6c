"""Local HTTP fakes of the few OCI and Azure calls metrics/cloud/ makes, answering the
providers' documented JSON shapes (OCI Core and Identity API 20160918; Azure Resource
Manager Microsoft.Compute virtualMachines, and the Microsoft identity platform's v2.0
discovery and token endpoints). The SDKs are pointed at them with
XAT_CLOUD_OCI_ENDPOINT and XAT_CLOUD_AZURE_ENDPOINT; no test needs the internet.

    with oci_fake() as fake:      fake.url, fake.instances, fake.actions, fake.requests
    with azure_fake(tmp_path) as fake:   HTTPS (azure-identity insists), its certificate
                                         trusted through REQUESTS_CA_BUNDLE

Both start with one account: OCI_CREDENTIALS' tenancy (a compartment, OCI_INSTANCE with
two VNICs), AZURE_CREDENTIALS' subscription (AZURE_VM, and a deallocated VM of a size no
price table knows).
"""

import datetime
import ipaddress
import json
import re
import ssl
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

OCI_API = "/20160918"
AZURE_TOKEN = "fake-arm-token"


def rsa_private_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


TENANCY = "ocid1.tenancy.oc1..aaaaaaaaxattenancy"
OCI_USER = "ocid1.user.oc1..aaaaaaaaxatuser"
FINGERPRINT = ":".join(["a1"] * 16)
COMPARTMENT = "ocid1.compartment.oc1..aaaaaaaadev"
OCI_INSTANCE = "ocid1.instance.oc1.eu-frankfurt-1.aaaaaaaaweb1"
OCI_CREDENTIALS = {"tenancy_id": TENANCY, "user_id": OCI_USER, "fingerprint": FINGERPRINT,
                   "private_key": rsa_private_key_pem(), "region": "eu-frankfurt-1"}
OCI_CREATED = "2026-11-01T08:00:00.000Z"
SUBSCRIPTION = "11111111-2222-4333-8444-555555555555"
AZURE_CREDENTIALS = {"tenant_id": "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee", "subscription_id": SUBSCRIPTION,
                     "client_id": "99999999-8888-4777-8666-555555555555", "client_secret": "xat~Azure.Client_Secret-42"}
AZURE_VM = "perf-rg:vm-a"


class FakeProvider:
    """State shared with the handler: what it answers and what it was asked."""

    def __init__(self):
        self.url = ""
        self.requests: list[tuple[str, str, dict]] = []  # (method, path, headers: names in lower case)
        self.actions: list[tuple[str, str]] = []  # (instance id, action)
        self.instances: dict[str, dict] = {}
        self.compartments: list[dict] = []
        self.accepted_key_id = ""  # OCI: the keyId a signature must name
        self.accepted_secret = ""  # Azure: the client secret the token endpoint takes
        self.tenancy: dict = {}
        self.vnics: dict[str, dict] = {}
        self.unreadable: set[str] = set()  # OCI: compartments whose listing answers 404


def _answer(handler: BaseHTTPRequestHandler, status: int, body=None, headers: dict | None = None):
    data = b"" if body is None else json.dumps(body).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(data)))
    handler.send_header("opc-request-id", "fake-request")
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(data)


class _Handler(BaseHTTPRequestHandler):
    fake: FakeProvider

    def log_message(self, *args):  # quiet
        pass

    def _route(self, method: str):
        url = urlparse(self.path)
        self.fake.requests.append((method, url.path, {k.lower(): v for k, v in self.headers.items()}))
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        self.answer(method, url.path, {k: v[0] for k, v in parse_qs(url.query).items()}, body)

    def do_GET(self):
        self._route("GET")

    def do_POST(self):
        self._route("POST")


class _OciHandler(_Handler):
    def answer(self, method, path, query, body):
        if f'keyId="{self.fake.accepted_key_id}"' not in self.headers.get("Authorization", ""):
            return _answer(self, 401, {"code": "NotAuthenticated", "message": "The required information to complete "
                                                                               "authentication was not provided."})
        path = path.removeprefix(OCI_API)
        if match := re.fullmatch(r"/tenancies/([^/]+)", path):
            return _answer(self, 200, self.fake.tenancy) if match[1] == self.fake.tenancy["id"] else self._missing()
        if path == "/compartments":
            return _answer(self, 200, self.fake.compartments)
        if path == "/instances":
            if query["compartmentId"] in self.fake.unreadable:
                return self._missing()
            return _answer(self, 200, [i for i in self.fake.instances.values()
                                       if i["compartmentId"] == query["compartmentId"]])
        if match := re.fullmatch(r"/instances/([^/]+)", path):
            instance = self.fake.instances.get(match[1])
            if instance is None:
                return self._missing()
            if method == "POST":
                self.fake.actions.append((match[1], query["action"]))
                instance["lifecycleState"] = {"START": "STARTING", "SOFTSTOP": "STOPPING"}[query["action"]]
            return _answer(self, 200, instance)
        if path == "/vnicAttachments":
            return _answer(self, 200, [{"id": f"attach-{vnic_id}", "instanceId": query["instanceId"], "vnicId": vnic_id,
                                        "lifecycleState": "ATTACHED", "compartmentId": query["compartmentId"],
                                        "availabilityDomain": "AD-1", "timeCreated": "2026-11-01T00:00:00.000Z"}
                                       for vnic_id, vnic in self.fake.vnics.items()
                                       if vnic["instanceId"] == query["instanceId"]])
        if match := re.fullmatch(r"/vnics/([^/]+)", path):
            return _answer(self, 200, self.fake.vnics[match[1]])
        return self._missing()

    def _missing(self):
        _answer(self, 404, {"code": "NotAuthorizedOrNotFound", "message": "Authorization failed or requested "
                                                                          "resource not found."})


class _AzureHandler(_Handler):
    def answer(self, method, path, query, body):
        base = self.fake.url
        if match := re.fullmatch(r"/([^/]+)/v2\.0/\.well-known/openid-configuration", path):
            tenant = match[1]
            return _answer(self, 200, {"token_endpoint": f"{base}/{tenant}/oauth2/v2.0/token",
                                       "authorization_endpoint": f"{base}/{tenant}/oauth2/v2.0/authorize",
                                       "issuer": f"{base}/{tenant}/v2.0"})
        if re.fullmatch(r"/[^/]+/oauth2/v2\.0/token", path):
            form = {k: v[0] for k, v in parse_qs(body).items()}
            if form.get("client_secret") != self.fake.accepted_secret:
                return _answer(self, 401, {"error": "invalid_client",
                                           "error_description": "AADSTS7000215: Invalid client secret provided."})
            return _answer(self, 200, {"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599,
                                       "access_token": AZURE_TOKEN})
        if self.headers.get("Authorization") != f"Bearer {AZURE_TOKEN}":
            return _answer(self, 401, {"error": {"code": "InvalidAuthenticationToken", "message": "no token"}})
        vm_path = r"/subscriptions/[^/]+(?:/resourceGroups/(?P<rg>[^/]+))?/providers/Microsoft\.Compute/virtualMachines"
        if match := re.fullmatch(vm_path, path):
            listed = [vm for vm in self.fake.instances.values()
                      if match["rg"] is None or f"/resourceGroups/{match['rg']}/" in vm["id"]]
            return _answer(self, 200, {"value": listed})
        if match := re.fullmatch(vm_path + r"/(?P<name>[^/]+)(?P<op>/instanceView|/start|/deallocate)", path):
            vm = self.fake.instances.get(f"{match['rg']}:{match['name']}")
            if vm is None:
                return _answer(self, 404, {"error": {"code": "ResourceNotFound", "message": "not found"}})
            if method == "POST":
                self.fake.actions.append((f"{match['rg']}:{match['name']}", match["op"][1:]))
                return _answer(self, 202, None, {"Location": f"{base}/operations/1"})
            return _answer(self, 200, vm["properties"]["instanceView"])
        return _answer(self, 404, {"error": {"code": "NotFound", "message": path}})


@contextmanager
def _serving(handler_class, fake: FakeProvider, scheme: str, ssl_context=None):
    handler = type("Handler", (handler_class,), {"fake": fake})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    if ssl_context is not None:
        server.socket = ssl_context.wrap_socket(server.socket, server_side=True)
    fake.url = f"{scheme}://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()


def _oci_seed(fake: FakeProvider) -> None:
    fake.accepted_key_id = f"{TENANCY}/{OCI_USER}/{FINGERPRINT}"
    fake.tenancy = {"id": TENANCY, "name": "acme-tenancy", "description": "", "homeRegionKey": "FRA"}
    fake.compartments = [{"id": COMPARTMENT, "name": "dev", "description": "Development", "compartmentId": TENANCY,
                          "lifecycleState": "ACTIVE", "timeCreated": OCI_CREATED}]
    fake.instances[OCI_INSTANCE] = {
        "id": OCI_INSTANCE, "displayName": "web-1", "compartmentId": COMPARTMENT, "availabilityDomain": "Uocm:EU-AD-1",
        "shape": "VM.Standard.E4.Flex", "lifecycleState": "RUNNING", "region": "eu-frankfurt-1",
        "timeCreated": OCI_CREATED, "freeformTags": {"team": "perf"}, "definedTags": {"ns": {"k": "v"}},
        "shapeConfig": {"ocpus": 2.0, "memoryInGBs": 16.0}}
    for vnic_id, primary, private_ip in (("ocid1.vnic.oc1..second", False, "10.0.1.9"),
                                         ("ocid1.vnic.oc1..primary", True, "10.0.0.5")):
        fake.vnics[vnic_id] = {"id": vnic_id, "instanceId": OCI_INSTANCE, "isPrimary": primary,
                               "privateIp": private_ip, "publicIp": "130.61.0.5" if primary else None,
                               "compartmentId": COMPARTMENT, "availabilityDomain": "Uocm:EU-AD-1",
                               "lifecycleState": "AVAILABLE"}


def _azure_vm(resource_group: str, name: str, size: str, power: str, computer_name: str) -> dict:
    """A virtualMachines GET answer (api-version 2024-07-01) with its instance view."""
    return {"id": f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{resource_group}/providers/Microsoft.Compute/"
                  f"virtualMachines/{name}",
            "name": name, "type": "Microsoft.Compute/virtualMachines", "location": "eastus", "zones": ["2"],
            "tags": {"team": "perf"},
            "properties": {"vmId": "6b0d2f1e-0000-4000-8000-000000000001", "hardwareProfile": {"vmSize": size},
                           "storageProfile": {"osDisk": {"osType": "Linux", "createOption": "FromImage"}},
                           "osProfile": {"computerName": computer_name, "adminUsername": "azureuser"},
                           "provisioningState": "Succeeded",
                           "instanceView": {"statuses": [{"code": "ProvisioningState/succeeded", "level": "Info"},
                                                         {"code": f"PowerState/{power}", "level": "Info"}]}}}


def _azure_seed(fake: FakeProvider) -> None:
    fake.accepted_secret = AZURE_CREDENTIALS["client_secret"]
    fake.instances[AZURE_VM] = _azure_vm("perf-rg", "vm-a", "Standard_B2s", "running", "vm-a-host")
    fake.instances["other-rg:vm-b"] = _azure_vm("other-rg", "vm-b", "Standard_X9", "deallocated", "vm-b")


@contextmanager
def oci_fake():
    fake = FakeProvider()
    _oci_seed(fake)
    with _serving(_OciHandler, fake, "http") as served:
        yield served


def self_signed_certificate(directory) -> tuple[str, str]:
    """(certificate path, key path) for 127.0.0.1."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
                   .not_valid_after(now + datetime.timedelta(days=1))
                   .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                                  critical=False)
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                   .sign(key, hashes.SHA256()))
    cert_path, key_path = directory / "fake.crt", directory / "fake.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_path), str(key_path)


@contextmanager
def azure_fake(directory):
    cert_path, key_path = self_signed_certificate(directory)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    fake = FakeProvider()
    fake.certificate = cert_path
    _azure_seed(fake)
    with _serving(_AzureHandler, fake, "https", context) as served:
        yield served
