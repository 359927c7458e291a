"""A small HTTP client for BKN's SIASN API: save a course-history record, upload its PDF,
delete it, and find a civil servant's SIASN id from the NIP (standard library only).

Two tokens, as the public clients send them: the API gateway token as
``Authorization: Bearer ...`` and the SSO token as ``Auth: bearer ...``. A 5xx answer, a
timeout or a broken connection is retried with exponential backoff; a 401 is not (the token
has expired or was refused: :class:`SiasnAuthError`); any other 4xx is a rejection whose
message is the server's (:class:`SiasnRejected`). docs/siasn.md says which paths and fields
are assumed and must be confirmed with BKN.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import quote

#: The longest server message kept in a report row.
MESSAGE_LIMIT = 300


class SiasnError(RuntimeError):
    """SIASN could not be reached or answered with an error; the message says which."""


class SiasnAuthError(SiasnError):
    """401: the token has expired or was refused. Nothing more is sent in this run."""


class SiasnRejected(SiasnError):
    """SIASN refused this request (4xx); the message is the server's."""


@dataclass(frozen=True)
class SiasnPaths:
    save: str = "/kursus/save"
    upload: str = "/upload-dok-rw"
    delete: str = "/kursus/delete/{id}"
    person: str = "/pns/data-utama/{nip}"


@dataclass
class SiasnClient:
    base_url: str
    token: str
    auth_token: str = ""
    paths: SiasnPaths = field(default_factory=SiasnPaths)
    timeout: float = 30.0
    retries: int = 3
    #: Seconds before the first retry; doubled for each further one.
    backoff: float = 1.0
    #: The id of the document type for the uploaded PDF (``id_ref_dokumen``).
    document_ref: str = ""
    sleep: Callable[[float], None] = time.sleep

    @classmethod
    def from_config(cls, config: Mapping, **overrides) -> SiasnClient:
        paths = SiasnPaths(save=config["LEANS_SIASN_SAVE_PATH"],
                           upload=config["LEANS_SIASN_UPLOAD_PATH"],
                           delete=config["LEANS_SIASN_DELETE_PATH"],
                           person=config["LEANS_SIASN_PERSON_PATH"])
        settings = dict(base_url=config["LEANS_SIASN_BASE_URL"],
                        token=config["LEANS_SIASN_TOKEN"],
                        auth_token=config["LEANS_SIASN_AUTH_TOKEN"], paths=paths,
                        timeout=config["LEANS_SIASN_TIMEOUT"],
                        retries=config["LEANS_SIASN_RETRIES"],
                        document_ref=config["LEANS_SIASN_DOCUMENT_REF"])
        return cls(**{**settings, **overrides})

    # -- the calls ---------------------------------------------------------------------

    def person_id(self, nip: str) -> str:
        """The civil servant's SIASN id (``pnsOrangId``) from the NIP."""
        answer = self._request("GET", self.paths.person.format(nip=quote(nip, safe="")))
        data = answer.get("data") if isinstance(answer.get("data"), dict) else {}
        found = data.get("id")
        if not found:
            raise SiasnRejected(f"NIP {nip} not found in SIASN")
        return str(found)

    def save(self, payload: Mapping) -> str:
        """Save a course-history record; returns SIASN's id of it (``rwKursusId``)."""
        body = json.dumps(dict(payload)).encode()
        answer = self._request("POST", self.paths.save, body, "application/json")
        mapped = answer.get("mapData") if isinstance(answer.get("mapData"), dict) else {}
        data = answer.get("data") if isinstance(answer.get("data"), dict) else {}
        record_id = mapped.get("rwKursusId") or data.get("id") or answer.get("id")
        if not record_id:
            raise SiasnRejected(_message(answer) or "SIASN returned no record id")
        return str(record_id)

    def upload(self, record_id: str, pdf: bytes, filename: str = "sertifikat.pdf") -> None:
        """Attach the certificate's PDF to the record."""
        boundary = uuid.uuid4().hex
        body = _multipart(boundary, {"id_riwayat": record_id, "id_ref_dokumen": self.document_ref},
                          ("file", filename, pdf))
        self._request("POST", self.paths.upload, body,
                      f"multipart/form-data; boundary={boundary}")

    def delete(self, record_id: str) -> None:
        self._request("DELETE", self.paths.delete.format(id=quote(record_id, safe="")))

    # -- HTTP ------------------------------------------------------------------------------

    def _headers(self, content_type: str | None) -> dict[str, str]:
        headers = {"Accept": "application/json", "Authorization": f"Bearer {self.token}"}
        if self.auth_token:
            headers["Auth"] = f"bearer {self.auth_token}"
        if content_type:
            headers["Content-Type"] = content_type
        return headers

    def _request(self, method: str, path: str, body: bytes | None = None,
                 content_type: str | None = None) -> dict:
        """One call, retried on 5xx, timeouts and broken connections."""
        if not self.base_url.startswith(("https://", "http://")):
            raise SiasnError("LEANS_SIASN_BASE_URL must be an http(s):// address")
        url = self.base_url.rstrip("/") + path
        for attempt in range(self.retries + 1):
            try:
                return self._once(method, url, body, content_type)
            except _Retryable as error:
                if attempt >= self.retries:
                    raise SiasnError(f"{error} (after {attempt + 1} attempts)") from error
                self.sleep(self.backoff * 2 ** attempt)
        raise AssertionError("unreachable")

    def _once(self, method: str, url: str, body: bytes | None,
              content_type: str | None) -> dict:
        request = urllib.request.Request(url, data=body, method=method,  # noqa: S310
                                         headers=self._headers(content_type))
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return _json(response.read())
        except urllib.error.HTTPError as error:
            answer = _json(error.read())
            if error.code == 401:
                raise SiasnAuthError("token expired or refused") from error
            if error.code >= 500:
                raise _Retryable(f"SIASN answered {error.code}") from error
            raise SiasnRejected(_message(answer) or f"SIASN refused ({error.code})") from error
        except TimeoutError as error:
            raise _Retryable(f"no answer within {self.timeout:g} s") from error
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError):
                raise _Retryable(f"no answer within {self.timeout:g} s") from error
            raise _Retryable(f"cannot reach SIASN: {error.reason}") from error
        except (ConnectionError, OSError) as error:
            raise _Retryable(f"connection to SIASN failed: {error}") from error


class _Retryable(Exception):
    """A failure worth another try."""


def _json(raw: bytes) -> dict:
    try:
        value = json.loads(raw.decode("utf-8", "replace")) if raw else {}
    except ValueError:
        return {"message": raw.decode("utf-8", "replace")[:MESSAGE_LIMIT]}
    return value if isinstance(value, dict) else {"data": value}


def _message(answer: Mapping) -> str:
    text = answer.get("message") or answer.get("error") or ""
    return str(text)[:MESSAGE_LIMIT]


def _multipart(boundary: str, fields: Mapping[str, str],
               file: tuple[str, str, bytes]) -> bytes:
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                     f"{value}\r\n".encode())
    name, filename, data = file
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                 f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
                 + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts)
