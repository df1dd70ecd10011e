"""Stop a run at a step boundary on SIGINT (Ctrl-C) or SIGTERM.

While :class:`StopOnSignals` is active, the first SIGINT or SIGTERM is only recorded:
the training loop asks ``stop()`` after every optimiser step, stops there and writes a
checkpoint from which ``--resume`` continues bitwise. A second signal raises
``KeyboardInterrupt`` at once (the checkpoint of the last complete epoch stays).
"""

from __future__ import annotations

import signal
import threading
from types import FrameType, TracebackType
from typing import Any

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class StopOnSignals:
    """A context manager and a ``stop()`` callable: True once SIGINT or SIGTERM came."""

    def __init__(self) -> None:
        self.received: signal.Signals | None = None
        self._previous: dict[int, Any] = {}

    def __call__(self) -> bool:
        return self.received is not None

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.received is not None:
            raise KeyboardInterrupt
        self.received = signal.Signals(signum)

    def __enter__(self) -> StopOnSignals:
        if threading.current_thread() is threading.main_thread():  # else: signals stay as are
            for signum in SIGNALS:
                self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        self._previous.clear()
