"""Per-guild fair queue: deficit round robin over guilds, cost = steps x pixels x images.

A plain data structure (no asyncio, no I/O) so its fairness can be tested and benchmarked on its own.
Guilds take turns; each turn adds a quantum to the guild's deficit and the guild may start jobs while
its deficit covers their cost. Jobs that ride along in another guild's batch are charged to their own
guild, whose deficit may go negative: a flooding guild pays for every image it gets.
"""

from __future__ import annotations

import math
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass, field

from generation.errors import QueueFull

GuildKey = Hashable  # a guild id, or ("dm", user_id) for direct messages


@dataclass(frozen=True)
class Caps:
    """Limits checked when a job is queued; 0 means no limit."""

    user_queued: int = 5
    guild_queued: int = 50
    global_queued: int = 500


@dataclass(eq=False)
class QueueEntry:
    job_id: int
    guild: GuildKey
    user_id: int
    cost: int
    images: int
    # Jobs with equal batch keys may share one pipeline call.
    batch_key: Hashable
    enqueued_at: float = 0.0
    payload: object = field(default=None, repr=False)


@dataclass(frozen=True)
class Position:
    """Where a job stands: jobs ahead of it (0 = next) and the estimated cost to run before it."""

    ahead: int
    cost_ahead: int


class FairQueue:
    """Deficit round robin over per-guild FIFO queues."""

    def __init__(self, quantum: int) -> None:
        if quantum <= 0:
            raise ValueError("quantum must be positive")
        self.quantum = quantum
        self._queues: OrderedDict[GuildKey, deque[QueueEntry]] = OrderedDict()
        self._deficit: dict[GuildKey, int] = {}
        self._by_id: dict[int, QueueEntry] = {}

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, job_id: int) -> bool:
        return job_id in self._by_id

    def __iter__(self) -> Iterator[QueueEntry]:
        return iter(list(self._by_id.values()))

    def depth_by_guild(self) -> dict[GuildKey, int]:
        return {guild: len(queue) for guild, queue in self._queues.items()}

    def count_user(self, user_id: int) -> int:
        return sum(1 for entry in self._by_id.values() if entry.user_id == user_id)

    def check_caps(self, guild: GuildKey, user_id: int, caps: Caps, *, user_running: int = 0) -> None:
        """Raise QueueFull naming the first limit a new job of this user would break."""
        if caps.user_queued and self.count_user(user_id) + user_running >= caps.user_queued:
            raise QueueFull("user", caps.user_queued)
        if caps.guild_queued and len(self._queues.get(guild, ())) >= caps.guild_queued:
            raise QueueFull("guild", caps.guild_queued)
        if caps.global_queued and len(self._by_id) >= caps.global_queued:
            raise QueueFull("global", caps.global_queued)

    def push(self, entry: QueueEntry) -> None:
        if entry.job_id in self._by_id:
            raise ValueError(f"job {entry.job_id} is already queued")
        queue = self._queues.get(entry.guild)
        if queue is None:
            # A guild that (re)joins starts its turn with one quantum, as in classic DRR.
            queue = self._queues[entry.guild] = deque()
            self._deficit[entry.guild] = self.quantum
        queue.append(entry)
        self._by_id[entry.job_id] = entry

    def remove(self, job_id: int) -> QueueEntry | None:
        entry = self._by_id.pop(job_id, None)
        if entry is None:
            return None
        queue = self._queues[entry.guild]
        queue.remove(entry)
        if not queue:
            self._drop_guild(entry.guild)
        return entry

    def _drop_guild(self, guild: GuildKey) -> None:
        del self._queues[guild]
        del self._deficit[guild]

    def _take(self, entry: QueueEntry) -> None:
        self._deficit[entry.guild] -= entry.cost
        self.remove(entry.job_id)

    def pop_batch(
        self,
        max_images: int,
        eligible: Callable[[QueueEntry, Sequence[QueueEntry]], bool] = lambda _entry, _batch: True,
    ) -> list[QueueEntry]:
        """Take the next job by DRR, then fill the batch with compatible jobs, one guild at a time.

        `eligible(entry, batch)` says whether the entry may join the jobs taken so far (a member's
        concurrency cap counts their jobs in this batch too).
        """
        first = self._pick_first(lambda entry: eligible(entry, ()))
        if first is None:
            return []
        batch = [first]
        images = first.images
        self._take(first)
        # Fill: take compatible jobs round robin over guilds, starting after the first job's guild,
        # so a guild with many compatible jobs cannot fill the batch while others wait.
        order = list(self._queues)
        if first.guild in order:
            start = order.index(first.guild) + 1
            order = order[start:] + order[:start]
        taken = True
        while taken and images < max_images:
            taken = False
            for guild in order:
                queue = self._queues.get(guild)
                if not queue:
                    continue
                candidate = next(
                    (
                        entry
                        for entry in queue
                        if entry.batch_key == first.batch_key
                        and images + entry.images <= max_images
                        and eligible(entry, batch)
                    ),
                    None,
                )
                if candidate is not None:
                    batch.append(candidate)
                    images += candidate.images
                    self._take(candidate)
                    taken = True
                if images >= max_images:
                    break
        return batch

    def _pick_first(self, eligible: Callable[[QueueEntry], bool]) -> QueueEntry | None:
        # Each guild at the front either starts a job its deficit covers, or gets a quantum and goes
        # to the back. Guilds with nothing eligible (every user at their concurrency cap) are passed.
        candidates = {
            guild: next((entry for entry in queue if eligible(entry)), None)
            for guild, queue in self._queues.items()
        }
        if not any(candidates.values()):
            return None
        while True:
            guild = next(iter(self._queues))
            entry = candidates[guild]
            if entry is not None and self._deficit[guild] >= entry.cost:
                # The guild keeps its turn while its deficit lasts (it stays at the front).
                return entry
            if entry is not None:
                # Turn over: the guild's next turn starts with one more quantum.
                self._deficit[guild] += self.quantum
            self._queues.move_to_end(guild)

    def position(self, job_id: int) -> Position | None:
        """Approximate DRR position: jobs of other guilds served in the rounds before this one."""
        entry = self._by_id.get(job_id)
        if entry is None:
            return None
        own = self._queues[entry.guild]
        index = own.index(entry)
        own_cost = sum(e.cost for e in list(own)[:index])
        # Turns this guild needs before the job starts, beyond the one it is in or waiting for: its
        # deficit must cover the jobs ahead of it and the job itself (a turn adds one quantum).
        needed = own_cost + entry.cost - self._deficit[entry.guild]
        extra_turns = max(0, math.ceil(needed / self.quantum))
        ahead = index
        cost_ahead = own_cost
        order = list(self._queues)
        own_rank = order.index(entry.guild)
        for rank, guild in enumerate(order):
            if guild == entry.guild:
                continue
            # Guilds before this one in the rotation get a turn in the current round as well.
            turns = extra_turns + (1 if rank < own_rank else 0)
            if turns == 0:
                continue
            # A guild's first turn spends the deficit it has; each later one adds a quantum.
            budget = self._deficit[guild] + (turns - 1) * self.quantum
            spent = 0
            for other in self._queues[guild]:
                if spent + other.cost > budget:
                    break
                spent += other.cost
                ahead += 1
                cost_ahead += other.cost
        return Position(ahead=ahead, cost_ahead=cost_ahead)
