"""WeasyPrint in a child process, with a time limit.

The layout of a long report is the slow part of a render, and WeasyPrint cannot be
interrupted from inside: a child process can be killed. The child is made by a fork server
that has WeasyPrint loaded already, so it starts in milliseconds, holds no database
connection, and writes nothing: it hands the PDF back through a pipe, and the caller stores
it. What kind of PDF to write (archival, tagged, with files attached) goes to it as plain
data, `core.layout.PdfOptions`. A child whose parent dies (a task worker killed mid-render)
exits too.

This module imports no Django code: the children never start Django.
"""

import multiprocessing
import os
import threading
import time
from multiprocessing import forkserver
from multiprocessing.connection import wait

from core.layout import ORDINARY, PdfOptions, lay_out


class LayoutTimeout(Exception):
    """The layout ran past its time limit and was killed."""


class LayoutFailed(Exception):
    """WeasyPrint raised, or the child ended without a PDF."""


_context = None


def _forkserver():
    global _context
    if _context is None:
        _context = multiprocessing.get_context("forkserver")
        # Loaded once in the fork server, not in every child, and WeasyPrint warmed up there
        # (core/layout_ready.py). The parent's main module is deliberately not preloaded: a
        # task worker's is manage.py, which has no use there.
        _context.set_forkserver_preload(["weasyprint", "core.layout_ready"])
    return _context


def start() -> None:
    """Start the fork server now if it is not running, without waiting for it: it imports
    and warms up WeasyPrint while the caller counts the report's figures and writes its
    HTML, instead of after (in a new process, the first PDF is that much sooner)."""
    _forkserver()
    forkserver.ensure_running()


def write_pdf(
    html: str,
    *,
    base_url: str,
    timeout: float,
    progress=lambda percent: None,
    options: PdfOptions = ORDINARY,
) -> bytes:
    """The PDF of `html`, laid out in a child process killed after `timeout` seconds."""
    if timeout <= 0:
        raise LayoutTimeout
    context = _forkserver()
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_lay_out, args=(sender, html, base_url, options), daemon=True)
    deadline = time.monotonic() + timeout
    child.start()
    sender.close()
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not receiver.poll(remaining):
                raise LayoutTimeout
            try:
                kind, value = receiver.recv()
            except EOFError:
                child.join(1)
                raise LayoutFailed(
                    f"the layout process ended without a PDF (exit code {child.exitcode})"
                ) from None
            if kind == "pdf":
                return value
            if kind == "error":
                raise LayoutFailed(value)
            progress(value)
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()


def _lay_out(sender, html: str, base_url: str, options: PdfOptions) -> None:
    _exit_with_parent()
    try:
        document = lay_out(html, base_url=base_url, options=options)
        sender.send(("progress", 85))
        sender.send(("pdf", document.write_pdf()))
    except Exception as error:
        sender.send(("error", f"{type(error).__name__}: {error}"))
    finally:
        sender.close()


def _exit_with_parent() -> None:
    """Stop at once when the process that asked for the PDF dies: nobody would read it."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch():
        wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()
