"""Imported by the PDF layout's fork server (reports/layout.py) before it forks its first
child: the server lays out a small document once (core.layout.warm_up), and every child it
forks starts with WeasyPrint's, Pango's and fontconfig's first-use work done. Measured on a
quarter's report at a million concerns: its layout took 2.3 s in a new process, 1.1 s after
the warm-up (docs/PERFORMANCE.md). Imports no Django code, like core.layout."""

from core.layout import warm_up

warm_up()
