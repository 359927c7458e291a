"""The ceiling for bench/lesson_page.py: a minimal Flask app under the same gunicorn settings."""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello() -> str:
    return "Hello, LEANS"
