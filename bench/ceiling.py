"""The ceiling for bench/lesson_page.py: a minimal *authenticated* Flask page served the same way.

What every LEANS page needs at least, and nothing more: Flask-Login loads the user with one
SQLAlchemy query (from the same demo database), the view makes one more query, and a Jinja page
of about 25 KB extends a base layout with about 30 ``url_for`` calls; templates are compiled
once. ``/login/<id>`` logs a user in for the benchmark (no password: never deploy this).
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, render_template
from flask_login import LoginManager, UserMixin, login_required, login_user
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(200))


class Cohort(db.Model):
    __tablename__ = "cohorts"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))


app = Flask(__name__, template_folder=str(Path(__file__).parent / "ceiling_templates"))
app.config.update(SECRET_KEY="ceiling-" + "k" * 32,
                  SQLALCHEMY_DATABASE_URI=os.environ["LEANS_DATABASE_URL"],
                  TEMPLATES_AUTO_RELOAD=False)
db.init_app(app)
login_manager = LoginManager(app)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id))


@app.route("/login/<int:user_id>")
def login(user_id: int) -> str:
    login_user(db.session.get(User, user_id))
    return "ok"


@app.route("/page/<int:n>")
@login_required
def page(n: int) -> str:
    cohorts = db.session.scalar(select(func.count(Cohort.id)))
    return render_template("page.html", n=n, cohorts=cohorts, paragraphs=range(40))


@app.route("/healthz")
def healthz() -> str:
    return "ok"
