"""A cached answer, and its form on disk for the workers' shared store (app.cache.shared).

Stored as bytes of our own format (a JSON header, then the bodies), never pickled: diskcache unpickles
what it stores as objects, so anyone able to write the store's folder could have run code in the app
(CVE-2025-69872). Bytes come back as bytes, and anything that does not parse reads as a miss.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from app.cache.compress import compress, compressible

MAGIC = b"unga-page-1\n"


@dataclass(frozen=True)
class Entry:
    version: str
    status: int
    headers: list[tuple[bytes, bytes]]  # as the application answered, without Content-Length
    body: bytes
    etag: str
    rendered_at: float  # on the middleware's clock (wall time), when the render began
    gzip: bytes | None = None
    br: bytes | None = None

    def variant(self, coding: str | None) -> tuple[bytes, str | None]:
        """The body in ``coding`` if it is held that way, with the coding it is in."""
        if coding == "br" and self.br is not None:
            return self.br, "br"
        if coding is not None and self.gzip is not None:  # br asked but not held: gzip is accepted too
            return self.gzip, "gzip"
        return self.body, None

    @property
    def compressed(self) -> bool:
        return self.gzip is not None

    def to_bytes(self) -> bytes:
        bodies = [self.body, self.gzip or b"", self.br or b""]
        header = {
            "version": self.version,
            "status": self.status,
            "headers": [[k.decode("latin-1"), v.decode("latin-1")] for k, v in self.headers],
            "etag": self.etag,
            "rendered_at": self.rendered_at,
            "sizes": [len(b) for b in bodies],
            "coded": [self.gzip is not None, self.br is not None],
        }
        return MAGIC + json.dumps(header).encode() + b"\n" + b"".join(bodies)

    @classmethod
    def from_bytes(cls, data: object) -> Entry | None:
        """The entry stored as ``data``, or None if it is not one (a miss)."""
        if not isinstance(data, bytes) or not data.startswith(MAGIC):
            return None
        try:
            line, _, rest = data[len(MAGIC) :].partition(b"\n")
            header = json.loads(line)
            sizes = [int(n) for n in header["sizes"]]
            if len(sizes) != 3 or sum(sizes) != len(rest):
                return None
            body, gz, br = rest[: sizes[0]], rest[sizes[0] : sizes[0] + sizes[1]], rest[sizes[0] + sizes[1] :]
            coded = header["coded"]
            return cls(
                version=str(header["version"]),
                status=int(header["status"]),
                headers=[(k.encode("latin-1"), v.encode("latin-1")) for k, v in header["headers"]],
                body=body,
                etag=str(header["etag"]),
                rendered_at=float(header["rendered_at"]),
                gzip=gz if coded[0] else None,
                br=br if coded[1] else None,
            )
        except (ValueError, KeyError, TypeError, IndexError, UnicodeError):
            return None


def make_entry(
    version: str, status: int, headers: list[tuple[bytes, bytes]], body: bytes, etag: str, rendered_at: float
) -> Entry:
    """An entry with its compressed bodies when its type is worth compressing (blocks: run in a thread)."""
    kept = [(k, v) for k, v in headers if k.lower() != b"content-length"]
    content_type = next((v.decode("latin-1") for k, v in kept if k.lower() == b"content-type"), "")
    gz = br = None
    if compressible(content_type, len(body)) and not any(k.lower() == b"content-encoding" for k, _ in kept):
        gz, br = compress(body)
    return Entry(version, status, kept, body, etag, rendered_at, gz, br)
