"""The SIASN export: a cohort's certificates as course-history records (admins only, like
the certificate registry)."""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app
from flask_login import current_user

from leans.certificates.export import safe_name
from leans.certificates.siasn import SiasnSettings
from leans.certificates.siasn_service import cohort_split, records_json, records_table
from leans.core.models import Role
from leans.core.permissions import get_cohort_or_404, role_required
from leans.core.spreadsheets import download

bp = Blueprint("siasn", __name__)


@bp.route("/admin/certificates/<cohort_slug>/siasn.<any(xlsx, csv, json):fmt>")
@role_required(Role.ADMIN)
def export(cohort_slug: str, fmt: str):
    """XLSX and CSV: one row per record; JSON: the records and the skipped certificates."""
    cohort = get_cohort_or_404(cohort_slug, for_user=current_user)
    result = cohort_split(cohort, SiasnSettings.from_config(current_app.config))
    filename = f"siasn-{safe_name(cohort.slug)}"
    if fmt == "json":
        body = json.dumps(records_json(cohort, result), ensure_ascii=False, indent=2)
        return Response(body, mimetype="application/json", headers={
            "Content-Disposition": f'attachment; filename="{filename}.json"'})
    return download(filename, fmt, records_table(result))
