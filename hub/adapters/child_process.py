"""Start helper processes that end when the process that started them dies, even by SIGKILL."""

from __future__ import annotations

import ctypes
import os
import signal
from collections.abc import Callable

PR_SET_PDEATHSIG = 1  # linux/prctl.h: the signal a child gets when its parent thread dies


def die_with_parent(*, new_session: bool = True) -> Callable[[], None]:
    """Return a preexec_fn that makes the child get SIGTERM when its parent dies.

    The kernel sends the signal when the *thread* that forked the child ends, so start the
    child from a thread that lives as long as the child should (a supervisor's own thread, or
    the main thread). new_session keeps a Ctrl+C in the parent's terminal away from the child:
    the parent stops it itself, in its own order.
    """
    libc = ctypes.CDLL(None, use_errno=True)  # loaded before the fork: nothing is imported in the child
    parent = os.getpid()

    def preexec() -> None:
        if new_session:
            os.setsid()
        if libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0) != 0:
            os._exit(70)
        if os.getppid() != parent:  # the parent died before prctl: nobody would send the signal
            os._exit(71)

    return preexec
