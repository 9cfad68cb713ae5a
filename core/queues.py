"""The task queues, and what runs on each (settings.TASKS lists the same names).

- `default`: email, the audit trail's sealing and daily check, and the workers'
  heartbeats: short tasks that must not wait.
- `documents`: report PDFs (English and Spanish), spreadsheet checks and imports, and
  placing typed places in areas: tasks that may take minutes.

Each queue has its own worker (`manage.py task_worker --queue-name documents`), so a
two-minute render never holds up an email. /healthz reports each queue's worker and its
oldest waiting task (desk/health.py).
"""

DEFAULT = "default"
DOCUMENTS = "documents"
ALL = (DEFAULT, DOCUMENTS)
