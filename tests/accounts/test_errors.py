"""A database that cannot be reached gets "Nothing was saved, please try again" (503), not
a generic error; anything else stays a 500."""

from django.db import InterfaceError, OperationalError

from config.errors import server_error


def _answer(rf, error):
    try:
        raise error
    except Exception:
        return server_error(rf.post("/concerns/new/"))


def test_an_unreachable_database_says_nothing_was_saved(rf):
    for error in (OperationalError("the database system is shutting down"), InterfaceError()):
        response = _answer(rf, error)
        assert response.status_code == 503
        assert response["Retry-After"] == "5"
        assert b"Nothing was saved, please try again" in response.content


def test_the_cause_counts_too(rf):
    try:
        try:
            raise OperationalError("connection refused")
        except OperationalError as cause:
            raise RuntimeError("while loading the session") from cause
    except RuntimeError:
        response = server_error(rf.get("/"))
    assert response.status_code == 503


def test_any_other_failure_is_a_plain_500(rf):
    response = _answer(rf, ValueError("a bug"))
    assert response.status_code == 500
    assert b"Something went wrong" in response.content
    assert b"Nothing was saved" not in response.content
