"""Sessions in the database, as Django's, read with a query compiled once per process.

Every signed-in page reads its session first; building and compiling that query with the
ORM cost more than sending it (core/prepared.py). What is read, and when a session counts as
expired, are Django's: only the reading changed.
"""

import datetime as dt

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from core.prepared import Prepared

UNEXPIRED = Prepared(
    lambda key, now: Session.objects.filter(session_key=key, expire_date__gt=now),
    str,
    dt.datetime,
)


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        if self.model is not Session:  # a store with a model of its own reads as Django's
            return super()._get_session_from_db()
        key = self.session_key
        session = UNEXPIRED.instance(key, timezone.now()) if key is not None else None
        if session is None:
            self._session_key = None
        return session
