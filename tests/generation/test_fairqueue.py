from __future__ import annotations

import pytest

from generation.errors import QueueFull
from generation.fairqueue import Caps, FairQueue, QueueEntry

UNIT = 100


def entry(
    job_id: int, guild: int, *, user: int | None = None, cost: int = UNIT, images: int = 1, key: str = "k"
) -> QueueEntry:
    return QueueEntry(
        job_id=job_id,
        guild=guild,
        user_id=user if user is not None else guild * 1000,
        cost=cost,
        images=images,
        batch_key=key,
    )


def drain(queue: FairQueue, max_images: int = 1) -> list[list[int]]:
    batches = []
    while len(queue):
        batches.append([e.job_id for e in queue.pop_batch(max_images)])
    return batches


def test_guilds_take_turns_one_job_each() -> None:
    queue = FairQueue(quantum=UNIT)
    for i in range(10):
        queue.push(entry(i, guild=1))
    queue.push(entry(100, guild=2))
    queue.push(entry(101, guild=2))
    order = [b[0] for b in drain(queue)]
    # Guild 2's jobs are served second and fourth, not after guild 1's ten.
    assert order.index(100) <= 2
    assert order.index(101) <= 4


def test_a_flooding_guild_delays_a_quiet_one_by_about_one_batch() -> None:
    queue = FairQueue(quantum=UNIT)
    for i in range(200):
        queue.push(entry(i, guild=1))
    # Guild 1 has been served for a while when guild 2 shows up.
    for _ in range(20):
        queue.pop_batch(4)
    queue.push(entry(1000, guild=2))
    batches = drain(queue, max_images=4)
    position = next(i for i, b in enumerate(batches) if 1000 in b)
    assert position <= 1


def test_cost_weighs_in_expensive_jobs_take_more_turns() -> None:
    queue = FairQueue(quantum=UNIT)
    for i in range(4):
        queue.push(entry(i, guild=1, cost=4 * UNIT))
    for i in range(16):
        queue.push(entry(100 + i, guild=2, cost=UNIT))
    order = [b[0] for b in drain(queue)]
    first_half = order[:10]
    # Equal cost shares: one 4-unit job of guild 1 per four 1-unit jobs of guild 2.
    assert sum(1 for j in first_half if j < 100) in (2, 3)


def test_batches_take_only_compatible_jobs_round_robin() -> None:
    queue = FairQueue(quantum=UNIT)
    queue.push(entry(1, guild=1, key="a"))
    queue.push(entry(2, guild=1, key="b"))
    queue.push(entry(3, guild=1, key="a"))
    queue.push(entry(4, guild=2, key="a"))
    queue.push(entry(5, guild=3, key="a"))
    batch = [e.job_id for e in queue.pop_batch(3)]
    assert batch[0] == 1
    assert set(batch) == {1, 4, 5}  # one of each guild before guild 1's second "a"
    assert [e.job_id for e in queue.pop_batch(8)] in ([2], [3])


def test_batch_respects_max_images() -> None:
    queue = FairQueue(quantum=UNIT)
    queue.push(entry(1, guild=1, images=4))
    queue.push(entry(2, guild=2, images=4))
    queue.push(entry(3, guild=3, images=1))
    batch = queue.pop_batch(5)
    assert sum(e.images for e in batch) <= 5
    assert [e.job_id for e in batch] == [1, 3]


def test_ineligible_jobs_are_skipped_not_lost() -> None:
    queue = FairQueue(quantum=UNIT)
    queue.push(entry(1, guild=1, user=7))
    queue.push(entry(2, guild=1, user=8))
    batch = queue.pop_batch(1, eligible=lambda e, _batch: e.user_id != 7)
    assert [e.job_id for e in batch] == [2]
    assert 1 in queue
    assert queue.pop_batch(1, eligible=lambda _e, _batch: False) == []
    assert [e.job_id for e in queue.pop_batch(1)] == [1]


def test_caps_name_the_limit_hit() -> None:
    queue = FairQueue(quantum=UNIT)
    caps = Caps(user_queued=2, guild_queued=3, global_queued=4)
    queue.push(entry(1, guild=1, user=1))
    queue.push(entry(2, guild=1, user=1))
    with pytest.raises(QueueFull) as caught:
        queue.check_caps(1, 1, caps)
    assert (caught.value.scope, caught.value.limit) == ("user", 2)
    with pytest.raises(QueueFull):
        queue.check_caps(1, 2, caps, user_running=2)
    queue.push(entry(3, guild=1, user=2))
    with pytest.raises(QueueFull) as caught:
        queue.check_caps(1, 3, caps)
    assert caught.value.scope == "guild"
    queue.push(entry(4, guild=2, user=4))
    with pytest.raises(QueueFull) as caught:
        queue.check_caps(3, 5, caps)
    assert caught.value.scope == "global"


def test_remove_and_positions() -> None:
    queue = FairQueue(quantum=UNIT)
    for i in range(5):
        queue.push(entry(i, guild=1))
    queue.push(entry(10, guild=2))
    pos0 = queue.position(0)
    pos4 = queue.position(4)
    pos10 = queue.position(10)
    assert pos0 is not None and pos4 is not None and pos10 is not None
    assert pos0.ahead == 0
    assert pos4.ahead > pos10.ahead  # guild 2's only job is near the front
    assert pos10.ahead <= 1
    assert queue.remove(2) is not None
    assert queue.remove(2) is None
    assert queue.position(2) is None
    assert 2 not in [e.job_id for b in [queue.pop_batch(10)] for e in b]


def served_in_order(queue: FairQueue) -> dict[int, int]:
    """Where each job is served, one job at a time (pop_batch(1) serves in pure DRR order)."""
    order = [e.job_id for batch in iter(lambda: queue.pop_batch(1), []) for e in batch]
    return {job_id: index for index, job_id in enumerate(order)}


def predicted_positions(queue: FairQueue) -> dict[int, int]:
    positions = {e.job_id: queue.position(e.job_id) for e in queue}
    return {job_id: position.ahead for job_id, position in positions.items() if position is not None}


def test_a_flooding_guilds_second_job_is_told_the_other_guilds_go_first() -> None:
    queue = FairQueue(quantum=UNIT)
    for job_id in range(5):
        queue.push(entry(job_id, 1))
    queue.push(entry(100, 2))
    queue.push(entry(101, 3))
    predicted = predicted_positions(queue)
    assert predicted[1] == served_in_order(queue)[1] == 3


def test_a_costly_job_is_not_told_it_is_next_while_cheaper_guilds_go_first() -> None:
    queue = FairQueue(quantum=UNIT)
    queue.push(entry(0, 1, cost=4 * UNIT, images=4))
    for guild in (2, 3, 4):
        queue.push(entry(100 + guild, guild))
    predicted = predicted_positions(queue)
    assert predicted[0] == served_in_order(queue)[0] == 3


@pytest.mark.parametrize("seed", range(40))
def test_positions_match_the_order_jobs_are_served_in(seed: int) -> None:
    import random

    rng = random.Random(seed)
    queue = FairQueue(quantum=UNIT)
    for job_id in range(rng.randint(1, 14)):
        images = rng.choice((1, 1, 2, 4))
        queue.push(entry(job_id, rng.randint(1, 4), cost=images * rng.choice((50, 100, 150)), images=images))
    if rng.random() < 0.5:
        queue.pop_batch(1)  # a queue in mid-round: deficits spent and carried over
    predicted = predicted_positions(queue)
    assert predicted == served_in_order(queue)
