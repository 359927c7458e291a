"""Where signing keys come from: a file or the environment, never the database or the repository.

Production names its keys (``LEANS_SIGNING_*``, ``LEANS_BADGE_*``; docs/signing.md). A
development install that names none gets keys generated once into the instance folder's
``keys/`` (mode 0600), marked as not for official use; :func:`leans.core.config.check_production`
refuses to start production without real keys, and :func:`refuse_development_material` refuses
one that is marked.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from flask import current_app

#: Printed into every development key's certificate or key id: a checker sees it.
DEVELOPMENT_MARK = "NOT FOR OFFICIAL USE"


class KeyProblem(RuntimeError):
    """A configured key cannot be read or is not usable; the message says which and why."""


class DevelopmentKeyInProduction(KeyProblem):
    pass


def keys_folder() -> Path:
    """The instance folder's ``keys/``, private to the app's user."""
    folder = Path(current_app.instance_path) / "keys"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)
    return folder


def read_secret(setting: str) -> str:
    """A secret given either as ``SETTING`` (the value) or ``SETTING_FILE`` (a file holding it,
    e.g. a container secret); the file wins. Empty when neither is set."""
    config = current_app.config
    path = config.get(f"{setting}_FILE") or ""
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise KeyProblem(f"{setting}_FILE={path} cannot be read: {error.strerror}") from error
    return config.get(setting) or ""


def read_key_file(setting: str) -> bytes:
    """The bytes of the key file named by ``setting``, with a clear error when unreadable."""
    path = current_app.config.get(setting) or ""
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise KeyProblem(f"{setting}={path} cannot be read: {error.strerror}") from error


def development_file(name: str, make: Callable[[], bytes]) -> Path:
    """The development key file ``name`` in ``keys/``, made once by ``make`` (mode 0600)."""
    path = keys_folder() / name
    if not path.exists():
        partial = path.with_name(f".{name}.{os.getpid()}.part")
        fd = os.open(partial, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(make())
        try:  # the first process to finish wins; the others use its key
            os.link(partial, path)
        except FileExistsError:
            pass
        finally:
            partial.unlink()
    return path


def refuse_development_material(what: str, marked: bool) -> None:
    """Production never signs with material marked for development."""
    if marked and current_app.config.get("LEANS_ENV") == "production":
        raise DevelopmentKeyInProduction(
            f"{what} is a development key ({DEVELOPMENT_MARK}); production needs the agency's "
            "own key (docs/signing.md)")
