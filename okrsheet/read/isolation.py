"""Run a reader in child processes with a memory limit, so no file can take okrsheet down:
how :func:`okrsheet.read.reader.read_workbook` reads every workbook (and ``collect`` every
reply).

python-calamine is native code: a hostile file the guards of :mod:`okrsheet.guard.safety` miss
could still make it allocate without bound (the process is then aborted, exit status 134)
or panic. Each workbook is therefore read in a forked child process whose address space is
limited (``Limits.max_memory_bytes`` above what it starts with); whatever happens there, the
parent gets either the reading or one line saying why the file can't be read.

Where processes can't be forked (Windows), files are read in the process itself, and only
exceptions (native panics included) become one line.
"""

from __future__ import annotations

import os
import pickle
import signal
import struct
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from okrsheet.domain.problems import OkrsheetError, UnreadableFile
from okrsheet.guard.safety import Limits

_HEADER = struct.Struct("<Q")
_PARENT_ENDS: set[int] = set()
"""The parent's ends of the pipes to its children, closed in every new child."""
_NOT_CAUGHT = (KeyboardInterrupt, SystemExit, GeneratorExit)

# Public API


def read_many(function: Callable[..., Any], paths: Sequence[Path], limits: Limits, *,
              workers: int = 1, meanwhile: Callable[[], None] | None = None,
              **options: Any) -> Iterator[Any]:
    """``function(path, limits=limits, **options)`` for each path, in order, in up to
    ``workers`` child processes; a path whose reading fails yields an :class:`OkrsheetError`
    (an :class:`UnreadableFile` when the reader raised or its process died) instead.

    A process that dies takes only its current file with it: another one is started for
    the files left. ``meanwhile`` is work of this process that needs no file and whose
    errors its caller meets again later (the summary imports its table libraries): it runs
    once, in a thread, while the children read, started once they are forked and finished
    before another one is (a fork never copies a thread midway), so a second core is not idle.
    """
    if not paths:
        return
    if not hasattr(os, "fork"):
        for path in paths:
            yield _guarded(function, path, limits, options)
        return
    try:  # imported once in the parent, not in every child
        import python_calamine  # noqa: F401

        import okrsheet.read.engines  # noqa: F401
    except ImportError:  # pragma: no cover - the child will say so
        pass
    yield from _Pool(function, paths, limits, options, max(1, min(workers, len(paths))),
                     meanwhile).run()


def crash_reason(path: str | os.PathLike, status: int) -> str:
    """One line for a reader process that ended with wait status ``status``."""
    name = os.path.basename(path)
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            what = signal.Signals(number).name
        except ValueError:
            what = f"signal {number}"
        cause = ("it ran out of memory or hit a fault" if number in (signal.SIGABRT, signal.SIGSEGV,
                                                                      signal.SIGBUS, signal.SIGKILL)
                 else "it was stopped")
        how = f"the spreadsheet reader crashed on it ({what}: {cause})"
    else:
        how = f"the spreadsheet reader ended abnormally on it (exit status {os.WEXITSTATUS(status)})"
    return (f"{name}: {how}; the file may be damaged or hostile. Open it in Excel or "
            "LibreOffice and save it again as .xlsx (OKRSHEET_MAX_MEMORY_MB raises the memory "
            "limit).")


# Private API


def _guarded(function: Callable[..., Any], path: Path, limits: Limits,
             options: dict[str, Any]) -> Any:
    """The function's result, or the error it raised as an :class:`OkrsheetError`."""
    try:
        return function(path, limits=limits, **options)
    except OkrsheetError as error:
        return error
    except _NOT_CAUGHT:
        raise
    except BaseException as error:  # a native panic is a BaseException
        return UnreadableFile(f"{os.path.basename(path)}: the workbook can't be read "
                              f"({_short(error)}); open it in Excel or LibreOffice, save it as "
                              ".xlsx and try again.")


def _quietly(work: Callable[[], None]) -> None:
    """``work()``, its errors left for the caller to meet when it does the work itself."""
    try:
        work()
    except Exception:
        pass


def _short(error: BaseException) -> str:
    text = " ".join(str(error).split())[:120]
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


class _Worker:
    """A forked child reading the files it is sent, one at a time, through two pipes."""

    def __init__(self, function: Callable[..., Any], paths: Sequence[Path], limits: Limits,
                 options: dict[str, Any]) -> None:
        from_parent, to_child = os.pipe()
        from_child, to_parent = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            status = 70
            try:
                for descriptor in (to_child, from_child, *_PARENT_ENDS):
                    os.close(descriptor)  # so every other child sees its pipe close
                _child(function, paths, limits, options, from_parent, to_parent)
                status = 0
            finally:
                os._exit(status)
        os.close(from_parent)
        os.close(to_parent)
        self.pid, self.requests, self.results = pid, to_child, from_child
        _PARENT_ENDS.update((to_child, from_child))
        self.sent: deque[int] = deque()  # files sent and not answered yet, in order
        self.status: int | None = None  # the wait status, once closed

    def send(self, index: int) -> None:
        self.sent.append(index)
        try:
            os.write(self.requests, _HEADER.pack(index))
        except OSError:  # the child died: its results pipe tells, and the file goes on
            pass

    def receive(self) -> Any:
        """The result for the oldest file sent, or raise EOFError if the child died."""
        size = _HEADER.unpack(_read_exactly(self.results, _HEADER.size))[0]
        result = pickle.loads(_read_exactly(self.results, size))
        self.sent.popleft()
        return result

    def close(self) -> int:
        """Stop the child (it ends when its request pipe closes); its wait status."""
        if self.status is None:
            for descriptor in (self.requests, self.results):
                _PARENT_ENDS.discard(descriptor)
                os.close(descriptor)
            self.status = os.waitpid(self.pid, 0)[1]
        return self.status


def _child(function: Callable[..., Any], paths: Sequence[Path], limits: Limits,
           options: dict[str, Any], requests: int, results: int) -> None:
    _quiet_and_limited(limits)
    while True:
        try:
            request = _read_exactly(requests, _HEADER.size)
        except EOFError:
            return
        index = _HEADER.unpack(request)[0]
        outcome = _guarded(function, paths[index], limits, options)
        try:
            data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as error:  # an unpicklable result: a bug, said in one line
            data = pickle.dumps(UnreadableFile(f"{paths[index].name}: {_short(error)}"))
        os.write(results, _HEADER.pack(len(data)))
        view = memoryview(data)
        while view:
            view = view[os.write(results, view):]


def _quiet_and_limited(limits: Limits) -> None:
    """In the child: native panic messages go nowhere (the parent words the failure), Ctrl-C
    is left to the parent, and the address space may grow by ``max_memory_bytes`` at most."""
    import faulthandler

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    faulthandler.disable()  # it writes to its own copy of stderr (pytest, python -X faulthandler)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    try:
        import resource
    except ImportError:  # pragma: no cover - not on POSIX
        return
    wanted = _address_space() + limits.max_memory_bytes
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
    except (ValueError, OSError):
        pass


def _address_space() -> int:
    """Bytes of address space this process uses now (VmSize), 0 if unknown."""
    try:
        with open("/proc/self/status", "rb") as status:
            for line in status:
                if line.startswith(b"VmSize:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _read_exactly(descriptor: int, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = os.read(descriptor, min(left, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


class _Pool:
    """Up to ``workers`` children, each sent a few files ahead (so none waits for the parent);
    results come back in the order of ``paths``."""

    AHEAD = 8

    def __init__(self, function: Callable[..., Any], paths: Sequence[Path], limits: Limits,
                 options: dict[str, Any], workers: int,
                 meanwhile: Callable[[], None] | None = None) -> None:
        self.function, self.paths, self.limits, self.options = function, paths, limits, options
        self.workers, self.meanwhile = workers, meanwhile
        self.thread: threading.Thread | None = None

    def run(self) -> Iterator[Any]:
        import select

        results: dict[int, Any] = {}
        workers: dict[int, _Worker] = {}  # results descriptor -> worker
        waiting = deque(range(len(self.paths)))  # not sent yet (or sent to a child that died)
        following = 0
        try:
            while following < len(self.paths):
                for worker in workers.values():
                    while waiting and len(worker.sent) < self.AHEAD:
                        worker.send(waiting.popleft())
                while waiting and len(workers) < self.workers:
                    self._finish_meanwhile()  # no thread is running when a child is forked
                    worker = _Worker(self.function, self.paths, self.limits, self.options)
                    workers[worker.results] = worker
                    while waiting and len(worker.sent) < self.AHEAD:
                        worker.send(waiting.popleft())
                if self.meanwhile is not None:  # every child is reading: start the other work
                    self.thread = threading.Thread(target=_quietly, args=(self.meanwhile,),
                                                   daemon=True)
                    self.meanwhile = None
                    self.thread.start()
                ready, _, _ = select.select(list(workers), [], [])
                for descriptor in ready:
                    worker = workers[descriptor]
                    if not worker.sent:  # died with nothing to do
                        del workers[descriptor]
                        worker.close()
                        continue
                    index = worker.sent[0]
                    try:
                        results[index] = worker.receive()
                    except (EOFError, OSError, pickle.UnpicklingError):
                        del workers[descriptor]
                        status = worker.close()
                        crashed = worker.sent.popleft()
                        results[crashed] = UnreadableFile(crash_reason(self.paths[crashed], status))
                        waiting.extendleft(reversed(worker.sent))  # to the next child
                    if descriptor in workers and not worker.sent and not waiting:
                        del workers[descriptor]  # nothing left for it
                        worker.close()
                while following in results:
                    yield results.pop(following)
                    following += 1
        finally:
            for worker in workers.values():
                if following < len(self.paths):  # interrupted: don't wait for a slow file
                    try:
                        os.kill(worker.pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                worker.close()
            self._finish_meanwhile()

    def _finish_meanwhile(self) -> None:
        """Wait for the work done meanwhile, if it started."""
        if self.thread is not None:
            self.thread.join()
            self.thread = None
