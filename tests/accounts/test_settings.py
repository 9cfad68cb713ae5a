"""Production settings: check --deploy is clean, and a missing secret stops the start."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


# The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for their own process; a deployment never has it.
DROPPED = {"DJANGO_SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def _manage(*args, **env_overrides):
    env = {k: v for k, v in os.environ.items() if k not in DROPPED}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_prints_no_warning():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="k3y-" + "a1B2c3D4e5F6g7H8i9J0" * 3,
        DJANGO_ALLOWED_HOSTS="crdesk.example.org",
        # The two database roles and the audit trail's key, as docs/DEPLOYMENT.md sets them.
        DATABASE_MIGRATION_URL="postgres://crdesk_owner@127.0.0.1:5432/crdesk",
        CRD_AUDIT_KEY="audit-" + "Z9y8X7w6V5u4T3s2R1q0" * 3,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


def test_missing_secret_key_stops_the_start_with_a_clear_message():
    result = _manage("check", DJANGO_DEBUG="false")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr
