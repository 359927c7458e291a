"""The administration blueprint: every page under ``/admin`` is for BKPP administrators."""

from __future__ import annotations

from flask import Blueprint

from leans.core.models import Role
from leans.core.permissions import restrict_blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
restrict_blueprint(bp, Role.ADMIN)  # every page here is for BKPP administrators
