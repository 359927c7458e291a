"""The administration blueprint: every page under ``/admin`` is for BKPP administrators."""

from __future__ import annotations

from flask import Blueprint

from leans.core.models import Role
from leans.core.permissions import role_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@role_required(Role.ADMIN)
def _admins_only():
    """Every page here is for BKPP administrators."""
