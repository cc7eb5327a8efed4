"""Embed a reindex's batches on a Ray cluster: one actor per worker, each loading the model once.

    jobmatch reindex --full --executor ray --address ray://head:10001     (needs `pip install 'jobmatch[ray]'`)

The driver (the `jobmatch reindex` process) still reads PostgreSQL, stores the vectors and builds the index; the
workers only turn texts into vectors with the same `load_embedder` the API uses. Every worker must have jobmatch and
the model installed (the same image or model folder), and must report the driver's `model_id`, or the run stops
before a single vector is stored. No secrets travel to the workers: only the model name and prefixes do.
"""

from __future__ import annotations

import sys
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from types import TracebackType
from typing import Any, Self

import numpy as np
import numpy.typing as npt

from jobmatch.embedding.sentence import load_embedder
from jobmatch.settings import Settings

INSTALL_HINT = "pip install 'jobmatch[ray]'"


class RayExecutorError(RuntimeError):
    """Ray is missing, the cluster cannot be reached, or its workers embed with another model than the driver."""


def import_ray() -> Any:  # the module (untyped: mypy skips ray)
    try:
        import ray
    except ImportError as error:
        raise RayExecutorError(f"--executor ray needs Ray, which is not installed: {INSTALL_HINT}") from error
    return ray


class EmbedWorker:
    """The body of one Ray actor: an embedder loaded once, then batch after batch of passages."""

    def __init__(self, model: str | None, query_prefix: str, passage_prefix: str, threads: int) -> None:
        self.embedder = load_embedder(model, query_prefix=query_prefix, passage_prefix=passage_prefix)
        torch = sys.modules.get("torch")
        if torch is not None:  # the real model: use the CPUs this actor reserved, not every core of the node
            torch.set_num_threads(threads)

    def identity(self) -> tuple[str, int, str]:
        """The model id, the dimension, and the node this worker runs on (for the error message)."""
        import ray

        return self.embedder.model_id, self.embedder.dim, ray.get_runtime_context().get_node_id()

    def encode(self, texts: list[str]) -> npt.NDArray[np.float32]:
        return self.embedder.encode(texts, kind="passage")


class RayExecutor:
    """An `EncodeExecutor` whose batches run on Ray actors; results come back in input order.

    At most `max_in_flight` batches are submitted and not yet returned, so the driver and the object store hold a
    bounded number of texts and vectors however large the reindex is. Ray restarts a lost actor and retries its batch.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        address: str | None,
        model_id: str | None = None,
        workers: int | None = None,
        cpus_per_worker: float = 1.0,
        max_in_flight: int | None = None,
        start_timeout: float = 600.0,
    ) -> None:
        """`model_id` is the driver's (loaded here when not given); `workers` defaults to the cluster's CPUs / cpus_per_worker."""
        ray = import_ray()
        if model_id is None:
            model_id = load_embedder(
                settings.embedding_model, query_prefix=settings.embedding_query_prefix,
                passage_prefix=settings.embedding_passage_prefix,
            ).model_id
        if not ray.is_initialized():
            try:
                ray.init(address=address)
            except (ConnectionError, RuntimeError, ValueError) as error:
                raise RayExecutorError(f"cannot reach the Ray cluster at {address or 'a new local instance'}: {error}") from error
        self._ray = ray
        self.model_id = model_id
        if workers is None:
            workers = max(1, int(ray.cluster_resources().get("CPU", 1) // cpus_per_worker))
        actor_class = ray.remote(EmbedWorker).options(num_cpus=cpus_per_worker, max_restarts=2, max_task_retries=2)
        threads = max(1, int(cpus_per_worker))
        self._actors = [
            actor_class.remote(settings.embedding_model, settings.embedding_query_prefix, settings.embedding_passage_prefix, threads)
            for _ in range(workers)
        ]
        self.max_in_flight = max_in_flight or 2 * len(self._actors)
        try:
            self._check_models(start_timeout)
        except BaseException:
            self.close()
            raise

    @property
    def worker_count(self) -> int:
        return len(self._actors)

    def _check_models(self, timeout: float) -> None:
        errors = self._ray.exceptions
        try:
            identities: list[tuple[str, int, str]] = self._ray.get([actor.identity.remote() for actor in self._actors], timeout=timeout)
        except errors.GetTimeoutError as error:
            raise RayExecutorError(
                f"{len(self._actors)} Ray workers did not start within {timeout:.0f} s; does the cluster have the CPUs free?"
            ) from error
        except errors.RayError as error:
            raise RayExecutorError(f"a Ray worker could not load the embedding model: {error}") from error
        for worker_model, _dim, node in identities:
            if worker_model != self.model_id:
                raise RayExecutorError(
                    f"a Ray worker on node {node} embeds with {worker_model}, this reindex with {self.model_id}; "
                    "install the same model (and prefixes) on every node, or their vectors would be mixed"
                )

    def encode_batches(self, batches: Iterable[Sequence[str]]) -> Iterator[npt.NDArray[np.float32]]:
        """Submit batches to the least busy actor, never more than `max_in_flight` ahead of what was returned."""
        if not self._actors:
            raise RayExecutorError("this executor was closed")
        waiting: deque[tuple[Any, int]] = deque()  # (result ref, actor index), in input order
        busy = [0] * len(self._actors)
        for batch in batches:
            if len(waiting) >= self.max_in_flight:
                yield self._collect(waiting, busy)
            target = min(range(len(busy)), key=busy.__getitem__)
            busy[target] += 1
            waiting.append((self._actors[target].encode.remote(list(batch)), target))
        while waiting:
            yield self._collect(waiting, busy)

    def _collect(self, waiting: deque[tuple[Any, int]], busy: list[int]) -> npt.NDArray[np.float32]:
        reference, actor = waiting.popleft()
        busy[actor] -= 1
        # A copy, so the object store can free the batch at once (ray.get returns a read-only view into it).
        return np.array(self._ray.get(reference), dtype=np.float32, copy=True)

    def close(self) -> None:
        """Stop the actors (they also stop when the driver exits); Ray itself is left running."""
        for actor in self._actors:
            self._ray.kill(actor)
        self._actors = []

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()
