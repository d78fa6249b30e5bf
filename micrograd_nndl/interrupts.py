"""Ctrl-C held off while a clean-up runs, so a second interrupt cannot break it half-way."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def interrupts_held() -> Iterator[None]:
    """Ignore Ctrl-C inside the block: the user has already stopped the work, and a second
    KeyboardInterrupt while it is put back would leave it half put back. (Only the main thread
    can take signals; elsewhere this does nothing.)"""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
