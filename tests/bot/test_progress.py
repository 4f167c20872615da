"""The progress throttle: at most one edit per interval per job, never the last step."""

from __future__ import annotations

from bot.progress import ProgressThrottle


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_first_report_passes_then_the_interval_holds() -> None:
    clock = Clock()
    throttle = ProgressThrottle(1.5, clock=clock)
    assert throttle.should_edit(1, 1, 10)
    clock.now += 1.0
    assert not throttle.should_edit(1, 2, 10)
    clock.now += 0.6
    assert throttle.should_edit(1, 3, 10)


def test_jobs_are_throttled_separately() -> None:
    throttle = ProgressThrottle(1.5, clock=Clock())
    assert throttle.should_edit(1, 1, 10)
    assert throttle.should_edit(2, 1, 10)
    assert not throttle.should_edit(1, 2, 10)


def test_the_last_step_and_repeats_are_left_out() -> None:
    clock = Clock()
    throttle = ProgressThrottle(0.1, clock=clock)
    assert not throttle.should_edit(1, 10, 10)
    assert throttle.should_edit(1, 5, 10)
    clock.now += 1
    assert not throttle.should_edit(1, 5, 10)


def test_forget_drops_state() -> None:
    throttle = ProgressThrottle(1.5, clock=Clock())
    throttle.should_edit(1, 1, 10)
    assert len(throttle) == 1
    throttle.forget(1)
    assert len(throttle) == 0
    assert throttle.should_edit(1, 2, 10)


def test_a_job_held_by_discord_gets_no_edit_until_the_wait_is_over() -> None:
    clock = Clock()
    throttle = ProgressThrottle(0.1, clock=clock)
    throttle.hold(1, 3.0)
    clock.now += 1
    assert throttle.held(1) and not throttle.should_edit(1, 2, 10)
    assert throttle.should_edit(2, 2, 10)  # another job's message is another route
    clock.now += 2
    assert throttle.should_edit(1, 3, 10)


def test_a_global_limit_holds_every_job() -> None:
    clock = Clock()
    throttle = ProgressThrottle(0.1, clock=clock)
    throttle.hold(None, 2.0)
    assert not throttle.should_edit(1, 1, 10) and not throttle.should_edit(2, 1, 10)
    clock.now += 2
    assert throttle.should_edit(1, 1, 10) and throttle.should_edit(2, 1, 10)


def test_holds_of_jobs_that_ended_meanwhile_are_not_kept() -> None:
    clock = Clock()
    throttle = ProgressThrottle(0.1, clock=clock)
    for job_id in range(50):
        throttle.forget(job_id)
        throttle.hold(job_id, 1.0)  # the job's last edit was refused after it ended
    clock.now += 1
    throttle.hold(99, 1.0)
    assert len(throttle) == 1
