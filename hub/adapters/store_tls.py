"""The store's own certificate authority and the hub's certificate, kept in `<data dir>/tls/`.

One CA per store: devices and kiosk browsers trust it once, and the hub's certificate
(HTTPS and Mosquitto's TLS listener share it) can be renewed under it without touching
them again. Keys are ECDSA P-256: every browser, OpenSSL in Mosquitto and paho take them,
and they are small and quick on a store's little server.
"""

from __future__ import annotations

import datetime
import fcntl
import ipaddress
import os
import socket
import struct
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from hub.adapters.db.engine import secure_data_dir
from hub.adapters.mqtt.mosquitto_files import write_atomically
from hub.config import STORE_CA_FILE, TLS_FOLDER

FOLDER_NAME = TLS_FOLDER
CA_VALIDITY = datetime.timedelta(days=3650)  # devices and browsers trust it once; a store box lives ~10 years
# 825 days: the longest any browser accepted for a server certificate, even from a private CA (Apple's rule);
# `passline tls init` again renews it under the same CA.
CERT_VALIDITY = datetime.timedelta(days=825)
BACKDATE = datetime.timedelta(minutes=5)  # a device whose clock is a little behind still accepts a fresh certificate
_SIOCGIFADDR = 0x8915  # Linux ioctl: an interface's IPv4 address


@dataclass(frozen=True)
class TlsFiles:
    """Where the store CA and the hub's certificate live in a data folder."""

    folder: Path

    @classmethod
    def in_data_dir(cls, data_dir: Path) -> TlsFiles:
        """Return the TLS files of the hub whose data folder this is."""
        return cls(Path(data_dir) / FOLDER_NAME)

    @property
    def ca_cert(self) -> Path:
        """Return the store CA's certificate (what devices and browsers trust)."""
        return self.folder / STORE_CA_FILE

    @property
    def ca_key(self) -> Path:
        """Return the store CA's private key (never leaves the hub)."""
        return self.folder / "ca.key"

    @property
    def cert(self) -> Path:
        """Return the hub's certificate, followed by the CA's (the chain a server sends)."""
        return self.folder / "hub.crt"

    @property
    def key(self) -> Path:
        """Return the hub's private key."""
        return self.folder / "hub.key"

    @property
    def ready(self) -> bool:
        """Return True when the hub has a certificate to serve TLS with."""
        return self.cert.is_file() and self.key.is_file() and self.ca_cert.is_file()

    def ca_pem(self) -> str:
        """Return the store CA's certificate as PEM text."""
        return self.ca_cert.read_text(encoding="ascii")


@dataclass(frozen=True)
class Issued:
    """What `init_tls` did, for the person who ran it."""

    files: TlsFiles
    new_ca: bool
    names: tuple[str, ...]
    addresses: tuple[str, ...]
    not_after: datetime.datetime
    ca_fingerprint: str  # SHA-256 of the CA certificate, as browsers show it


def default_names() -> list[str]:
    """Return this machine's host name, its mDNS name and localhost."""
    host = socket.gethostname().split(".")[0]
    fqdn = socket.getfqdn()
    names = [host, f"{host}.local", fqdn, "localhost"]
    return _unique([n for n in names if n and n != "localhost.localdomain"])


def default_addresses() -> list[str]:
    """Return every address of this machine other than loopback and link-local ones, and 127.0.0.1."""
    found: list[str] = []
    for _index, interface in socket.if_nameindex():
        address = _ipv4_of(interface)
        if address:
            found.append(address)
    try:
        with open("/proc/net/if_inet6", encoding="ascii") as table:
            for line in table:
                raw = line.split()[0]
                found.append(str(ipaddress.IPv6Address(bytes.fromhex(raw))))
    except OSError:
        pass  # no IPv6 on this machine
    usable = [a for a in found if not (ipaddress.ip_address(a).is_loopback or ipaddress.ip_address(a).is_link_local)]
    return _unique([*usable, "127.0.0.1"])


def _ipv4_of(interface: str) -> str | None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            answer = fcntl.ioctl(probe.fileno(), _SIOCGIFADDR, struct.pack("256s", interface.encode()[:15]))
        except OSError:
            return None  # down, or no IPv4 address
    return socket.inet_ntoa(answer[20:24])


def init_tls(data_dir: Path, names: list[str], addresses: list[str], *, store: str, new_ca: bool = False,
             now: datetime.datetime | None = None) -> Issued:
    """Make the store CA (unless one exists and new_ca is False) and issue the hub's certificate under it."""
    if not names and not addresses:
        raise ValueError("the certificate needs at least one host name or address")
    checked_addresses = [str(ipaddress.ip_address(a)) for a in addresses]  # ValueError names a bad one
    for name in names:
        if not name or any(c.isspace() or c in "/:@" for c in name):
            raise ValueError(f"{name!r} is not a host name")
    now = now or datetime.datetime.now(datetime.timezone.utc)
    secure_data_dir(Path(data_dir))
    files = TlsFiles.in_data_dir(data_dir)
    files.folder.mkdir(mode=0o700, exist_ok=True)
    os.chmod(files.folder, 0o700)
    made_ca = new_ca or not (files.ca_cert.is_file() and files.ca_key.is_file())
    if made_ca:
        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca_cert = _ca_certificate(ca_key, store, now)
        _write(files.ca_key, _key_pem(ca_key))
        _write(files.ca_cert, ca_cert.public_bytes(serialization.Encoding.PEM).decode("ascii"))
    else:
        ca_key = serialization.load_pem_private_key(files.ca_key.read_bytes(), password=None)
        ca_cert = x509.load_pem_x509_certificate(files.ca_cert.read_bytes())
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _hub_certificate(key, ca_key, ca_cert, store, names, checked_addresses, now)
    _write(files.key, _key_pem(key))
    chain = cert.public_bytes(serialization.Encoding.PEM) + ca_cert.public_bytes(serialization.Encoding.PEM)
    _write(files.cert, chain.decode("ascii"))
    return Issued(files, made_ca, tuple(names), tuple(checked_addresses), cert.not_valid_after_utc,
                  fingerprint(ca_cert))


def fingerprint(cert: x509.Certificate) -> str:
    """Return a certificate's SHA-256 fingerprint as colon-separated hex pairs."""
    return ":".join(f"{b:02X}" for b in cert.fingerprint(hashes.SHA256()))


def certificate_names(path: Path) -> tuple[list[str], list[str]]:
    """Return the host names and addresses a certificate file's first certificate is valid for."""
    cert = x509.load_pem_x509_certificate(Path(path).read_bytes())
    alternatives = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return (alternatives.get_values_for_type(x509.DNSName),
            [str(a) for a in alternatives.get_values_for_type(x509.IPAddress)])


def ca_made_at(path: Path) -> datetime.datetime:
    """Return when the store CA in a file was made (its start of validity, less the backdating)."""
    return x509.load_pem_x509_certificate(Path(path).read_bytes()).not_valid_before_utc + BACKDATE


def certificate_expiry(path: Path) -> datetime.datetime:
    """Return when a certificate file's first certificate stops being valid."""
    return x509.load_pem_x509_certificate(Path(path).read_bytes()).not_valid_after_utc


def _ca_certificate(key: ec.EllipticCurvePrivateKey, store: str, now: datetime.datetime) -> x509.Certificate:
    subject = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Passline"),
                         x509.NameAttribute(NameOID.COMMON_NAME, f"Passline store CA ({store})"[:64])])
    identifier = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    return (
        x509.CertificateBuilder()
        .subject_name(subject).issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE).not_valid_after(now + CA_VALIDITY)
        # path length 0: the store CA signs the hub's certificate and nothing that could sign others
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(identifier, critical=False)
        .sign(key, hashes.SHA256())
    )


def _hub_certificate(key, ca_key, ca_cert: x509.Certificate, store: str, names: list[str], addresses: list[str],
                     now: datetime.datetime) -> x509.Certificate:
    alternatives = [x509.DNSName(n) for n in names] + [x509.IPAddress(ipaddress.ip_address(a)) for a in addresses]
    common_name = (names or addresses)[0]
    return (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, f"Passline {store}"[:64]),
                                 x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64])]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE).not_valid_after(now + CERT_VALIDITY)
        .add_extension(x509.SubjectAlternativeName(alternatives), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )


def _key_pem(key) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode("ascii")


def _write(path: Path, text: str) -> None:
    write_atomically(path, text, mode=0o600)  # the data folder's rule: its files are the hub's alone


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
