"""Reports: what facilitators and BKPP look at. A cohort's progress table and its export,
test results with learning gain and item analysis, the tracker of approved plans, and the
BKPP reports across cohorts. Every CSV/XLSX export is a :class:`leans.core.spreadsheets.Table`.

Reports present; what other features compute from (a cohort's progress, for certificate
eligibility) lives below, in ``leans.modules``.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from leans.reports import reminders
    from leans.reports.bkpp_views import bp as bkpp_bp
    from leans.reports.cohort_views import bp as cohort_bp
    from leans.reports.quiz_results_views import bp as quiz_results_bp
    from leans.reports.tracker_views import bp as tracker_bp

    for blueprint in (cohort_bp, quiz_results_bp, tracker_bp, bkpp_bp):
        app.register_blueprint(blueprint)
    reminders.init_app(app)
