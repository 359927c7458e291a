"""Reading offline: the installable app's manifest, the service worker, the offline page, a
module's download list and a fresh CSRF token for the queue a phone sends when back online."""

from __future__ import annotations

import json
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    has_request_context,
    jsonify,
    render_template,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf

from leans.content import get_store
from leans.core.permissions import can_download_module_offline
from leans.modules.offline import device_user_key, module_download
from leans.modules.place import cohort_place
from leans.modules.progress import ProgressStatus

bp = Blueprint("offline", __name__)

#: The brand colour of the stylesheet (``--brand``).
THEME_COLOUR = "#0b6e4f"
#: The static files every stored page needs: (file in static/, kind).
STATIC_FILES = (("leans.css", "style"), ("js/offline.js", "script"))


@bp.route("/manifest.webmanifest")
def web_manifest():
    """The web app manifest: LEANS installable on a phone's home screen."""
    icons = [{"src": url_for("static", filename=f"icons/icon-{size}.png"),
              "sizes": f"{size}x{size}", "type": "image/png", "purpose": "any maskable"}
             for size in (192, 512)]
    body = {"name": "LEANS LMS", "short_name": "LEANS", "lang": "id", "dir": "ltr",
            "description": _("Leadership training of BKPP Kabupaten Bojonegoro"),
            "start_url": url_for("dashboard.index"), "scope": "/", "display": "standalone",
            "theme_color": THEME_COLOUR, "background_color": "#f6f7f9", "icons": icons}
    return Response(json.dumps(body, ensure_ascii=False),
                    mimetype="application/manifest+json")


@bp.route("/sw.js")
def service_worker():
    """The service worker, served from the site's root so that it may serve every page."""
    response = send_from_directory(Path(current_app.static_folder) / "js", "sw.js",
                                   mimetype="application/javascript", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    del response.headers["Content-Disposition"]  # a script, not a download
    return response


@bp.route("/offline")
def offline_page():
    """What the phone shows for a page it has not stored while there is no connection."""
    return render_template("offline.html")


@bp.route("/csrf-token")
@login_required
def csrf_token():
    """A fresh CSRF token for what the device queued while offline (its stored page's token
    may belong to an older session)."""
    return jsonify(token=generate_csrf())


@bp.route("/learn/<cohort_slug>/<module_slug>/offline.json")
@login_required
def module_download_list(cohort_slug: str, module_slug: str):
    """What "download to read offline" stores for one module of my training: its lesson
    pages, images and stylesheet, with their sizes in bytes and a content version."""
    place = cohort_place(cohort_slug, current_user)
    if not can_download_module_offline(current_user, place.enrolment):
        abort(404)
    module, _lesson = place.find(module_slug)
    if place.progress_of(module).status is ProgressStatus.LOCKED:
        return jsonify(message=_("This module is locked until you complete the modules it "
                                 "builds on.")), 409
    static_folder = Path(current_app.static_folder)
    static = [(url_for("static", filename=name), static_folder / name, kind)
              for name, kind in STATIC_FILES]
    download = module_download(
        module, get_store(), lambda slug: place.lesson_url(module.slug, slug),
        lambda slug, name: url_for("modules.content_file", module_slug=slug, filename=name),
        static)
    return jsonify(download.as_json())


@bp.app_context_processor
def offline_context() -> dict:
    """The device key of the logged-in user (their stored pages' name) and the texts the
    page script shows, in the reader's language."""
    signed_in = has_request_context() and current_user.is_authenticated  # not in emails
    user = device_user_key(current_app.secret_key, current_user.id) if signed_in else ""
    return {"offline_user": user, "offline_texts": _texts,
            "can_download_module_offline": can_download_module_offline}


def _texts() -> dict[str, str]:
    return {
        "stored": _("Stored copy, saved %(time)s.", time="{time}"),
        "size": _("Download size: about %(size)s.", size="{size}"),
        "kept": _("Stored on this device: %(lessons)s lessons, %(size)s, saved %(time)s.",
                  lessons="{lessons}", size="{size}", time="{time}"),
        "busy": _("Downloading…"),
        "failed": _("The download did not finish. Try again when the connection is better."),
        "removed": _("Removed from this device."),
        "queued": _("Marked done on this device. It is sent when you are online again."),
        "waiting": _("Waiting on this device to be sent: %(n)s.", n="{n}"),
        "refused": _("Not recorded: %(reason)s", reason="{reason}"),
        "draft": _("Saved on this device (no connection). It is sent to the server when you "
                   "are online again."),
    }
