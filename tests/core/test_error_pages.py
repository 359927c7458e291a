"""The styled error page survives the error that caused it."""

from __future__ import annotations

from leans.core.extensions import db
from leans.core.models import User


def test_a_failed_database_write_still_gets_the_friendly_500_page(other_app, make_user,
                                                                   auth_for):
    """The page header asks the database (the user, their unread notifications): the session
    the failed write left behind must not turn the error page itself into a bare 500."""
    make_user(username="budi")
    app = other_app(PROPAGATE_EXCEPTIONS=False)

    @app.route("/boom-db")
    def boom_db():
        db.session.add(User(username="budi", full_name="Budi Kedua", password_hash="x"))
        db.session.flush()  # the username is taken: IntegrityError

    client = app.test_client()
    auth_for(client).login("budi")
    response = client.get("/boom-db")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Terjadi kesalahan" in page or "Something went wrong" in page
    assert 'href="/notifications/"' in page  # the logged-in header, rendered
