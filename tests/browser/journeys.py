"""What every role journey does on every page: wait until it has loaded, check it with axe
(a serious or critical violation fails the journey) and, for the key pages, save a
screenshot under tests/browser/artifacts/.

A journey opens pages only through `Journey`: it notices every page the browser lands on
(links, forms, redirects) and `finish()` fails if one of them was left without a check.
"""

import re
import time
from urllib.parse import urlsplit

from accounts.mfa import mfa_required
from tests.browser.conftest import current_code, serious_axe_violations
from tests.factories import TEST_PASSWORD


def open_step(step) -> None:
    """Opens a step of a concern's page (its <details>) unless it is open already: the
    suggested next step is (concerns/next_step.py), and a click would fold it."""
    if step.get_attribute("open") is None:
        step.locator("summary").click()


def _described(page) -> list[str]:
    """The serious and critical violations with the elements they were found on."""
    from axe_playwright_python.sync_playwright import Axe

    found = []
    for v in Axe().run(page).response["violations"]:
        if v.get("impact") in {"serious", "critical"}:
            targets = "; ".join(" ".join(node["target"]) for node in v["nodes"][:5])
            found.append(f"{v['id']} ({v['impact']}) on {targets}")
    return found


class Journey:
    """One person's work through the browser, page by page."""

    def __init__(self, page, screenshot, prefix: str):
        self.page = page
        self.prefix = prefix
        self._screenshot = screenshot
        self._pending: str | None = None  # the page on screen, not yet checked
        self.unchecked: list[str] = []  # pages left before they were checked
        self.checked: list[str] = []
        self.started = time.monotonic()
        page.on("framenavigated", self._landed)

    def _landed(self, frame) -> None:
        if frame != self.page.main_frame or frame.url == "about:blank":
            return
        if self._pending is not None:
            self.unchecked.append(self._pending)
        self._pending = frame.url

    # --- Checking a page ----------------------------------------------------------------

    def check(self, shot: str | None = None) -> None:
        """The page on screen has no serious or critical accessibility violation."""
        self.page.wait_for_load_state("load")
        violations = serious_axe_violations(self.page)
        if violations:
            violations = violations + _described(self.page)
        assert violations == [], f"{self.page.url}: {violations}"
        self.checked.append(self.page.url)
        self._pending = None
        if shot:
            self._screenshot(self.page, f"{self.prefix}-{shot}")

    def shot(self, name: str) -> None:
        """A screenshot of the page as it is now (a menu open, a PDF ready)."""
        self._screenshot(self.page, f"{self.prefix}-{name}")

    # --- Moving between pages -----------------------------------------------------------

    def goto(self, url: str, shot: str | None = None) -> None:
        self.page.goto(url)
        self.check(shot)

    def follow(self, target, shot: str | None = None) -> None:
        """Click a link or a submit button (or do what `target` does, when it is a function)
        that loads another page, then check that page."""
        with self.page.expect_navigation(wait_until="load"):
            if callable(target):
                target()
            else:
                target.click()
        self.check(shot)

    def nav(self, label: str, group: str | None = None, shot: str | None = None) -> None:
        """Open a page from the main navigation (inside its menu, if it sits in one)."""
        nav = self.page.get_by_role("navigation", name="Main")
        if group:
            nav.get_by_role("button", name=group, exact=True).click()
        self.follow(nav.get_by_role("link", name=label, exact=True), shot)

    def see(self, text: str, **kwargs) -> None:
        """A message or a value the person reads on the page."""
        assert self.page.get_by_text(text, **kwargs).first.is_visible(), (
            f"“{text}” is not shown on {self.page.url}"
        )

    # --- Signing in and out -------------------------------------------------------------

    def sign_in(self, user, password: str = TEST_PASSWORD, shot: str = "home") -> None:
        """The sign-in form, then the code from the authenticator where the role needs one;
        the journey starts on the home page (checked, and saved as `shot`)."""
        page = self.page
        needs_code = mfa_required(user)
        if needs_code:
            current_code(user)  # the authenticator is set up before the password is sent
        self.goto("/accounts/login/", shot="sign-in")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(password)
        sign_in = page.get_by_role("button", name="Sign in")
        if needs_code:
            self.follow(sign_in, shot="second-factor")
            assert "/accounts/two-factor/" in page.url, page.url
            page.get_by_label("Code").fill(current_code(user))
        self.follow(sign_in, shot=shot)
        assert urlsplit(page.url).path == "/", f"not signed in: {page.url}"
        assert page.get_by_role("heading", name=re.compile("^Good to see you")).is_visible()

    def sign_out(self, user) -> None:
        self.page.get_by_role("button", name=user.display_name).click()
        self.follow(self.page.get_by_role("button", name="Sign out"), shot="signed-out")
        assert self.page.url.endswith("/accounts/login/"), self.page.url

    # --- The end ------------------------------------------------------------------------

    def finish(self) -> float:
        """Every page the journey landed on was checked; returns the seconds it took."""
        if self._pending is not None:
            self.unchecked.append(self._pending)
        assert self.unchecked == [], f"pages never checked with axe: {self.unchecked}"
        return time.monotonic() - self.started
