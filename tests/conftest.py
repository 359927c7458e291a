"""The fixture modules of ``tests/fixtures/``, for every test (see ``tests/README.md``).

Nothing here is imported by tests: they ask for fixtures, and import plain values and
pure helpers from ``tests.fixtures.<module>``.
"""

pytest_plugins = [
    "tests.fixtures.app",
    "tests.fixtures.web",
    "tests.fixtures.factories",
    "tests.fixtures.content",
    "tests.fixtures.quizzes",
    "tests.fixtures.plans",
    "tests.fixtures.project",
    "tests.fixtures.certificates",
    "tests.fixtures.tracking",
    "tests.fixtures.servers",
    "tests.fixtures.mail",
    "tests.fixtures.routes",
    "tests.fixtures.browser",
    "tests.fixtures.signing",
]
