"""A remote signing service: send the PDF, receive it sealed (docs/signing.md).

For agencies whose seal comes from a national e-signature service. The request follows the
shape of the "seal PDF" calls provincial BKDs use (a JSON body with the PDF in base64 under
``file`` and the appearance under ``signatureProperties``; the sealed PDF comes back in base64
under ``file``). The exact contract must be confirmed with the provider, like SIASN's.

- 401 or 403: the credentials were refused; 5xx, a timeout or no connection: the service is
  down. Either way no further document can be signed now (``service_down``).
- Any other 4xx: this document was rejected, with the service's message.
- A 200 whose body holds no PDF, or a PDF that is not signed, is a failure too: an unsigned
  PDF never passes for a signed one.
"""

from __future__ import annotations

import base64
import binascii
import json
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass

from flask import current_app

from leans.certificates.keys import KeyProblem, read_secret
from leans.certificates.sealing import BLOCK_BOX, SigningFailed

#: The longest piece of the service's answer quoted in an error.
MESSAGE_LIMIT = 300
#: The largest answer read (a sealed certificate is some tens of kB).
ANSWER_LIMIT = 20 * 1024 * 1024
#: The A4 landscape page's height in points: the service counts from the top left.
PAGE_HEIGHT = 595


@dataclass
class RemoteSealer:
    url: str
    token: str
    auth: str = "bearer"
    timeout: float = 30.0

    @classmethod
    def from_config(cls) -> RemoteSealer:
        config = current_app.config
        url = config.get("LEANS_REMOTE_SIGNER_URL") or ""
        if not url.startswith(("https://", "http://")):
            raise KeyProblem("LEANS_REMOTE_SIGNER_URL must be the signing service's http(s) "
                             f"address (it is {url or 'not set'})")
        auth = config.get("LEANS_REMOTE_SIGNER_AUTH") or "bearer"
        if auth not in ("bearer", "basic"):
            raise KeyProblem("LEANS_REMOTE_SIGNER_AUTH must be bearer or basic")
        return cls(url, read_secret("LEANS_REMOTE_SIGNER_TOKEN"), auth,
                   float(config.get("LEANS_REMOTE_SIGNER_TIMEOUT") or 30))

    @property
    def signer_name(self) -> str:
        return current_app.config.get("LEANS_SIGNATORY_TITLE") or self.url

    def _authorization(self) -> str:
        if self.auth == "basic":
            return "Basic " + base64.b64encode(self.token.encode()).decode()
        return f"Bearer {self.token}"

    def body(self, pdf: bytes, item: dict) -> dict:
        left, bottom, right, top = BLOCK_BOX
        return {
            "file": [base64.b64encode(pdf).decode()],
            "signatureProperties": [{
                "tampilan": "VISIBLE", "page": 1,
                "originX": left, "originY": PAGE_HEIGHT - top,
                "width": right - left, "height": top - bottom,
                "location": item.get("issue_place", ""),
                "reason": f"Sertifikat {item.get('number', '')}",
            }],
        }

    def sign(self, pdf: bytes, item: dict) -> bytes:
        request = urllib.request.Request(  # noqa: S310 - the configured http(s) address
            self.url, data=json.dumps(self.body(pdf, item)).encode(), method="POST",
            headers={"Content-Type": "application/json", "Accept": "application/json",
                     "Authorization": self._authorization()})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                answer = response.read(ANSWER_LIMIT + 1)
        except urllib.error.HTTPError as error:
            raise self._refusal(error) from error
        except TimeoutError as error:
            raise SigningFailed(f"the signing service did not answer within "
                                f"{self.timeout:g} s", service_down=True) from error
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            if isinstance(reason, TimeoutError | socket.timeout):
                raise SigningFailed(f"the signing service did not answer within "
                                    f"{self.timeout:g} s", service_down=True) from error
            raise SigningFailed(f"the signing service cannot be reached: {reason}",
                                service_down=True) from error
        return self._sealed_pdf(answer)

    def _refusal(self, error: urllib.error.HTTPError) -> SigningFailed:
        message = _message(error.read(4096))
        if error.code in (401, 403):
            return SigningFailed(f"the signing service refused the credentials (HTTP "
                                 f"{error.code}){': ' + message if message else ''}",
                                 service_down=True)
        if error.code >= 500:
            return SigningFailed(f"the signing service failed (HTTP {error.code})"
                                 f"{': ' + message if message else ''}", service_down=True)
        return SigningFailed(f"the signing service rejected the document (HTTP {error.code})"
                             f"{': ' + message if message else ''}")

    def _sealed_pdf(self, answer: bytes) -> bytes:
        if len(answer) > ANSWER_LIMIT:
            raise SigningFailed("the signing service's answer is larger than "
                                f"{ANSWER_LIMIT // (1024 * 1024)} MB")
        try:
            files = json.loads(answer).get("file") or []
            sealed = base64.b64decode(files[0], validate=True)
        except (ValueError, AttributeError, IndexError, TypeError, binascii.Error) as error:
            raise SigningFailed("the signing service's answer holds no PDF in 'file'") \
                from error
        if not sealed.startswith(b"%PDF-") or b"/ByteRange" not in sealed:
            raise SigningFailed("the signing service returned a PDF without a signature")
        return sealed


def _message(body: bytes) -> str:
    """The service's own error message, if its answer carries one, shortened."""
    text = body.decode("utf-8", "replace").strip()
    try:
        data = json.loads(text)
        if isinstance(data, dict):
            text = str(data.get("message") or data.get("error") or data.get("detail") or text)
    except ValueError:
        pass
    return " ".join(text.split())[:MESSAGE_LIMIT]
