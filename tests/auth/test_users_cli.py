"""``leans users create``: the first admin of a real install, from the shell."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from leans.core.extensions import db
from leans.core.models import Role, User


def test_users_create_makes_an_admin_who_can_log_in(runner, auth):
    result = runner.invoke(args=[
        "users", "create", "--username", "Kepala", "--name", "Dr. H. Kepala BKPP, M.Si.",
        "--role", "admin", "--role", "facilitator", "--nip", "19750421 200012 1 003",
        "--golongan", "iv/b", "--password-stdin",
    ], input="tiga-ekor-domba-di-kolong\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.username == "kepala"))
    assert user.roles == {Role.ADMIN, Role.FACILITATOR}
    assert user.nip == "197504212000121003" and user.golongan == "IV/b"
    assert user.full_name == "Dr. H. Kepala BKPP, M.Si."
    assert auth.login("kepala", "tiga-ekor-domba-di-kolong").status_code == 302


@pytest.mark.parametrize(("extra", "stdin", "message"), [
    (["--nip", "198609262015053001"], "tiga-ekor-domba-di-kolong\n", "kode jenis kelamin"),
    (["--golongan", "V/z"], "tiga-ekor-domba-di-kolong\n", '"V/z" tidak dikenal'),
    ([], "password1234\n", "kata sandi yang umum"),
    ([], "pendek\n", "paling sedikit 12 karakter"),
])
def test_users_create_explains_bad_input_and_creates_nothing(runner, extra, stdin, message):
    result = runner.invoke(args=["users", "create", "--username", "x", "--name", "X",
                                 "--role", "participant", "--password-stdin", *extra],
                           input=stdin)
    assert result.exit_code != 0
    assert message in result.output
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_users_create_refuses_a_taken_username(runner, make_user):
    make_user(username="budi")
    result = runner.invoke(args=["users", "create", "--username", "BUDI", "--name", "Budi",
                                 "--role", "participant", "--password-stdin"],
                           input="tiga-ekor-domba-di-kolong\n")
    assert result.exit_code != 0 and "already taken" in result.output
