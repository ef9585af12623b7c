"""A small process pool for reductions, driven by the calling thread.

`concurrent.futures.ProcessPoolExecutor` hands tasks to its workers through
two helper threads of the calling process. While that process is busy (making
the next reference dataset, unpacking a result) the helpers wait for the GIL,
and the workers wait for them: ~15-30 ms before the first task and a few ms
between tasks. Here each worker has its own pipe, and the calling thread
writes the next task into it before the worker needs it, so a worker never
waits on the caller.
"""

import collections
import contextlib
import multiprocessing.connection
import os
from multiprocessing.reduction import ForkingPickler

__all__ = []

#: A task this small may be queued in a busy worker's pipe: with at most one
#: queued task the pipe never fills, so the caller never blocks while a worker
#: is sending a result (no deadlock). Larger tasks go to idle workers only.
_SMALL_TASK_BYTES = 16 << 10

#: Tasks per worker in flight (one running, one waiting in its pipe).
_DEPTH = 2

_END = object()


def _encode(message):
    """A message serialised as `multiprocessing.connection.Connection.send`
    does (read back with ``recv``), so that its size is known before sending."""
    return bytes(ForkingPickler.dumps(message))


class WorkerDied(RuntimeError):
    """A worker process ended while it had a task (crash, out of memory, kill)."""


def _worker_main(conn, function, initializer):
    """Loop of a worker process: receive ``(index, task)``, send ``(index, result)``.

    Ctrl-C is left to the calling process, which stops the pool cleanly (the
    workers finish the task in hand and exit when their pipe closes).
    """
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if initializer is not None:
        initializer()
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:  # stop
            return
        index, task = message
        result = function(task)
        try:
            payload = _encode((index, result))
        except Exception as exc:  # an unpicklable result: reported, not lost
            error = RuntimeError(f"The result could not be sent back: {exc!r}")
            payload = _encode((index, error))
        conn.send_bytes(payload)


class _Worker:
    def __init__(self, context, function, initializer):
        self.conn, child = context.Pipe(duplex=True)
        self.process = context.Process(
            target=_worker_main,
            args=(child, function, initializer),
            daemon=True,
            name="gammaray-reduce",
        )
        self.process.start()
        child.close()
        self.outstanding = collections.deque()

    def send(self, index, payload):
        self.conn.send_bytes(payload)
        self.outstanding.append((index, payload))

    def stop(self, timeout=5):
        with contextlib.suppress(OSError):
            self.conn.send(None)
        self.process.join(timeout)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join()
        self.conn.close()


class WorkerPool:
    """Processes running ``function(task)``; results come back in task order.

    Parameters
    ----------
    n_workers : int
        Number of worker processes.
    context : multiprocessing context
        Start method (fork, spawn, forkserver).
    function : callable
        Top-level function applied to each task in a worker; its result must
        be picklable.
    initializer : callable, optional
        Top-level function run once in each worker.
    """

    def __init__(self, n_workers, context, function, initializer=None):
        self._args = (context, function, initializer)
        # the pool belongs to this process: a forked child that inherits it
        # (e.g. a worker of a later pool) must never drain or stop it
        self._pid = os.getpid()
        self._workers = [_Worker(*self._args) for _ in range(n_workers)]

    def _owned(self):
        return os.getpid() == self._pid

    def imap(self, tasks, window, discard=None):
        """Results of ``function`` for each task, in order.

        Parameters
        ----------
        tasks : iterator
            Tasks, consumed lazily: at most ``window`` tasks are in flight or
            finished but not yet yielded.
        window : int
            Bound on tasks taken ahead of the result being waited for.
        discard : callable, optional
            Called on results that are never yielded (the caller stopped early).

        Yields
        ------
        result : object
            The result; an exception instance for a task that could not be
            pickled, or a `WorkerDied` for a task whose worker ended (a new
            worker takes its place).
        """
        done = {}
        next_index = next_yield = 0
        held = None  # a large task waiting for an idle worker
        exhausted = False
        try:
            while True:
                # hand out tasks while the window allows
                while not exhausted and next_index - next_yield < window:
                    if held is None:
                        task = next(tasks, _END)
                        if task is _END:
                            exhausted = True
                            break
                        try:
                            payload = _encode((next_index, task))
                        except Exception as exc:  # reported as this task's result
                            done[next_index] = RuntimeError(
                                f"The task could not be sent to a worker process: {exc!r}"
                            )
                            next_index += 1
                            continue
                        held = (next_index, payload)
                    worker = self._pick(len(held[1]))
                    if worker is None:
                        break
                    worker.send(*held)
                    held = None
                    next_index += 1
                while next_yield in done:
                    result = done.pop(next_yield)
                    next_yield += 1
                    yield result
                if exhausted and held is None and next_yield == next_index:
                    return
                self._collect(done)
        finally:
            if self._owned():
                if discard is not None:
                    for result in done.values():
                        discard(result)
                self._drain(discard)

    def _pick(self, size):
        """An idle worker, or a busy one with room for a small task, or None."""
        idle = [w for w in self._workers if not w.outstanding]
        if idle:
            return idle[0]
        if size <= _SMALL_TASK_BYTES:
            room = [w for w in self._workers if len(w.outstanding) < _DEPTH]
            if room:
                return min(room, key=lambda w: len(w.outstanding))
        return None

    def _collect(self, done):
        """Wait for at least one result and store the arrived ones in ``done``."""
        busy = {w.conn: w for w in self._workers if w.outstanding}
        if not busy:  # pragma: no cover - guarded by the loop in imap
            raise RuntimeError("No task in flight to wait for.")
        for conn in multiprocessing.connection.wait(list(busy)):
            worker = busy[conn]
            try:
                index, result = conn.recv()
            except (EOFError, OSError):
                self._replace(worker, done)
                continue
            # a worker answers its tasks in the order it got them
            assert worker.outstanding[0][0] == index
            worker.outstanding.popleft()
            done[index] = result

    def _replace(self, worker, done):
        """A worker ended: its running task fails, a new worker takes its place
        and the tasks that were queued behind it."""
        worker.process.join(1)
        code = worker.process.exitcode
        index, _ = worker.outstanding.popleft()
        done[index] = WorkerDied(
            f"The worker process ended (exit code {code}) during this task."
        )
        queued = list(worker.outstanding)
        worker.outstanding.clear()
        worker.stop(timeout=0)
        new = _Worker(*self._args)
        self._workers[self._workers.index(worker)] = new
        for index, payload in queued:
            new.send(index, payload)

    def _drain(self, discard):
        """Receive (and discard) the results still on their way."""
        for worker in self._workers:
            while worker.outstanding:
                try:
                    _, result = worker.conn.recv()
                except (EOFError, OSError):
                    worker.outstanding.clear()
                    break
                worker.outstanding.popleft()
                if discard is not None:
                    discard(result)

    def close(self):
        """Stop the workers."""
        if not self._owned():
            return
        for worker in self._workers:
            worker.stop()
        self._workers = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
