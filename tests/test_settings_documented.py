"""Every environment variable the settings read has its row in the README's settings table
(issue 25: the table complete), so a department's IT office finds each one described."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def read_by_settings() -> set[str]:
    text = (ROOT / "config" / "settings.py").read_text()
    return set(re.findall(r'env\.\w+\(\s*"([A-Z][A-Z0-9_]+)"', text))


def in_readme_table() -> set[str]:
    rows = [
        line for line in (ROOT / "README.md").read_text().splitlines() if line.startswith("| `")
    ]
    return {
        name for row in rows for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split(" | ")[0])
    }


def test_the_settings_read_variables_that_the_table_finds():
    assert {"DATABASE_URL", "CACHE_URL", "CRD_SMTP_OAUTH_TOKEN_URL"} <= read_by_settings()


def test_every_variable_the_settings_read_is_in_the_readme_table():
    missing = sorted(read_by_settings() - in_readme_table())
    assert missing == [], f"add these to README.md's settings table: {missing}"
