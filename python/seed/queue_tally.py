"""The queue's bookkeeping, the same rules as the Rust `QueueTally`: each item consumed
exactly once (a delivery count per item id), the depth never above capacity (the queue's own
count, sampled after each put), the values summed on both sides (wrapped to 64 bits), and
each producer's waits on a full queue, timed per stretch: a stretch begins at the first put
that finds the queue full and lasts while every following put finds it full too; it ends at
the next put that finds room, at the start of the producer's simulated I/O, or at its end.
"""

import time
from dataclasses import dataclass

from .fastrand import MASK
from .interrupt import requested


@dataclass(frozen=True)
class Item:
    id: int  # producer * items + seq: unique in the run
    producer: int
    value: int


class ProducerBook:
    """One producer's counts, added to the tally by `close`."""

    def __init__(self, tally: "QueueTally", producer: int) -> None:
        self.tally, self.producer = tally, producer
        self.produced = self.sum = self.waits = self.stretches = 0
        self.waited = 0.0
        self.waiting_since: float | None = None

    def has_item_to_make(self) -> bool:
        """Fewer made than its share, and Ctrl-C not pressed (then consumers drain the rest)."""
        return self.produced < self.tally.items and not requested()

    def item(self, value: int) -> Item:
        """The next item, counted as produced before its put."""
        item = Item(self.producer * self.tally.items + self.produced, self.producer, value)
        self.produced += 1
        self.sum = (self.sum + value) & MASK
        return item

    def io_finished(self, start: float) -> None:
        self._stretch_ends(start)  # the I/O began after the last put

    def about_to_send(self, full: bool) -> None:
        if not full:
            self._stretch_ends(time.perf_counter())
            return
        self.waits += 1
        if self.waiting_since is None:
            self.stretches += 1
            self.waiting_since = time.perf_counter()
        cap = self.tally.capacity
        self.tally.log.line(f"producer {self.producer} waits: queue full {cap}/{cap}")

    def after_send(self, depth: int) -> None:
        if depth > self.tally.max_depth:
            self.tally.max_depth = depth
            self.tally.log.line(f"queue depth reaches {depth}/{self.tally.capacity} (new high)")

    def _stretch_ends(self, end: float) -> None:
        if self.waiting_since is None:
            return
        waited, self.waiting_since = end - self.waiting_since, None
        self.waited += waited
        self.tally.log.line(f"producer {self.producer} resumes after {waited * 1e3:.1f} ms")

    def close(self) -> None:
        self._stretch_ends(time.perf_counter())
        t = self.tally
        t.produced += self.produced
        t.produced_sum = (t.produced_sum + self.sum) & MASK
        t.waits += self.waits
        t.stretches += self.stretches
        t.waited += self.waited
        t.sent[self.producer] = self.produced


class QueueTally:
    """Accounting of one queue run (all on the event loop's thread: no locks needed)."""

    def __init__(self, cfg, log) -> None:
        self.capacity, self.items, self.log = cfg.capacity, cfg.items, log
        self.seen = bytearray(cfg.producers * cfg.items)  # deliveries per item id, saturating
        self.sent = [0] * cfg.producers
        self.produced = self.produced_sum = self.consumed_sum = self.waits = self.max_depth = 0
        self.stretches = 0
        self.waited = 0.0

    def producer(self, producer: int) -> ProducerBook:
        return ProducerBook(self, producer)

    def received(self, item: Item) -> None:
        self.seen[item.id] = min(self.seen[item.id] + 1, 255)
        self.consumed_sum = (self.consumed_sum + item.value) & MASK

    def finish(self, elapsed_s: float) -> dict:
        consumed = duplicates = missing = 0
        for p, sent in enumerate(self.sent):
            # Producer p puts its items in order, so after a stop it sent exactly the first
            # `sent` of them: only those must arrive, each once.
            for seq in range(self.items):
                n = self.seen[p * self.items + seq]
                consumed += n
                duplicates += max(n - 1, 0)
                missing += n == 0 and seq < sent
        return {
            "produced": self.produced,
            "consumed": consumed,
            "capacity": self.capacity,
            "max_depth": self.max_depth,
            "throughput_per_s": consumed / elapsed_s if elapsed_s > 0 else 0.0,
            "producer_wait_ms": self.waited * 1e3,
            "producer_waits": self.waits,
            # Every stretch is timed here (Rust samples them in long quiet runs).
            "wait_stretches": self.stretches,
            "wait_stretches_timed": self.stretches,
            "duplicates": duplicates,
            "missing": missing,
            "sums_match": self.produced_sum == self.consumed_sum,
            "interrupted": requested(),
        }
