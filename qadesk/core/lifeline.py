"""A child process that stops when its parent dies, however the parent dies (SIGKILL included).

`qadesk serve` starts its worker as a child; an RQ worker forks a "work horse" per job. Neither may outlive the process
that started it: a worker left running after its server was killed keeps the SQLite database busy, runs jobs nobody
watches, and a second `make run` starts another one beside it.

Two mechanisms, because neither is enough alone:
- on Linux, the kernel sends a signal to the child when its parent dies (prctl PR_SET_PDEATHSIG). The "parent" is the
  parent *thread* that forked the child: serve forks its worker from a thread that lives as long as serve does.
- everywhere, a watchdog thread notices that the parent pid changed (the child was re-parented) and sends the signal
  itself where the kernel could not. It also ends the process if it is still there after a grace period, so a job
  that does not finish cannot keep an orphan alive.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import sys
import threading

logger = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
GRACE_SECONDS = 30.0  # like `qadesk serve` stopping its worker: time for a running job to finish
POLL_SECONDS = 1.0


def _set_pdeathsig(sig: int) -> bool:
    """Ask the kernel to send `sig` to this process when its parent dies; False where the platform cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def die_with_parent(
    parent_pid: int, *, sig: int = signal.SIGTERM, grace: float = GRACE_SECONDS, poll: float = POLL_SECONDS
) -> threading.Thread:
    """Make this process receive `sig` when `parent_pid` dies, and exit `grace` seconds later if it is still running.

    Call it early in the child. The parent may already have died before the kernel signal was armed (then nothing
    would ever be sent): the check right after arming closes that race.
    """
    armed = _set_pdeathsig(sig)
    if os.getppid() != parent_pid:
        logger.warning("parent %s is gone already: stopping", parent_pid)
        os.kill(os.getpid(), sig)
    thread = threading.Thread(target=_watch, args=(parent_pid, sig, not armed, grace, poll), name="qadesk-lifeline", daemon=True)
    thread.start()
    return thread


def _watch(parent_pid: int, sig: int, send: bool, grace: float, poll: float) -> None:
    stop = threading.Event()
    while os.getppid() == parent_pid:
        stop.wait(poll)
    logger.warning("parent %s died: stopping (at most %.0f s for the current job)", parent_pid, grace)
    if send:  # where the kernel already sent it, a second signal would cut the running job short
        os.kill(os.getpid(), sig)
    stop.wait(grace)
    logger.error("still running %.0f s after the parent died: exiting now", grace)
    os._exit(1)
