"""Independent runs on a process pool, results in task order: the same tables for any worker count."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

Task = TypeVar("Task")
Result = TypeVar("Result")
Progress = Callable[[int, int], None]
MAX_WORKERS = 256


def check_workers(workers: int) -> str | None:
    """Why a worker count is refused, or None when it is allowed (1 to MAX_WORKERS)."""
    if not 1 <= workers <= MAX_WORKERS:
        return f"--workers: got {workers}; must be from 1 to {MAX_WORKERS}"
    return None


def map_in_order(
    work: Callable[[Task], Result], tasks: Sequence[Task], workers: int, progress: Progress | None = None
) -> list[Result]:
    """`work` on every task, in task order, on `workers` processes (1: in this process)."""
    done: list[Result] = []
    if workers == 1 or len(tasks) <= 1:
        for task in tasks:
            done.append(work(task))
            if progress is not None:
                progress(len(done), len(tasks))
        return done
    # fork: workers inherit the loaded package at once; mesa has set spawn as the global default
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=min(workers, len(tasks)), mp_context=context) as pool:
        for result in pool.map(work, tasks, chunksize=1):
            done.append(result)
            if progress is not None:
                progress(len(done), len(tasks))
    return done
