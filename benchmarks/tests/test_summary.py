"""Rounds become medians, and the ratio pairs each service run with its baseline run."""

import pytest

from benchmarks.summary import Sample, SweepPoint, best, compare, figures, sample
from benchmarks.wrk import WrkResult


def run(rps, p50=1.0, p99=2.0, non_2xx=0):
    return Sample(
        rps,
        p50,
        p99,
        requests=int(rps * 10),
        non_2xx=non_2xx,
        socket_errors=0,
        cpu_ms_per_request=0.5,
    )


def test_cpu_per_request_is_the_server_time_over_the_requests():
    result = WrkResult(
        requests=2000,
        duration_s=10,
        requests_per_s=200,
        p50_ms=1,
        p99_ms=3,
        non_2xx=0,
        socket_errors=0,
    )
    assert sample(result, cpu_seconds=3.0).cpu_ms_per_request == pytest.approx(1.5)


def test_figures_are_medians_so_one_slow_round_does_not_drag_them():
    result = figures([run(100, p99=5), run(900, p99=50), run(110, p99=6)])
    assert result.requests_per_s == 110
    assert result.p99_ms == 6


def test_ratio_is_the_median_of_the_paired_round_ratios():
    service = [run(80), run(40), run(90)]
    baseline = [run(100), run(50), run(100)]
    comparison = compare("get_one", "get one item", service, baseline, target_ratio=0.8)
    assert comparison.round_ratios == [0.8, 0.8, 0.9]
    assert comparison.ratio == 0.8
    assert comparison.meets_target is True


def test_missing_the_target_is_reported():
    comparison = compare("list_50", "list", [run(60)], [run(100)], target_ratio=0.7)
    assert comparison.ratio == 0.6
    assert comparison.meets_target is False
    assert compare("health", "h", [run(60)], [run(100)], None).meets_target is None


def test_tail_latency_and_errors_are_reported():
    comparison = compare("x", "x", [run(10, p50=2, p99=7, non_2xx=3)], [run(10)], None)
    assert comparison.p99_over_p50 == 3.5
    assert comparison.service.non_2xx == 3
    assert comparison.as_dict()["p99_over_p50"] == 3.5


def test_a_baseline_that_served_nothing_gives_no_ratio():
    comparison = compare("x", "x", [run(10)], [run(0)], 0.8)
    assert comparison.ratio is None
    assert comparison.meets_target is False


def test_rounds_must_pair_up():
    with pytest.raises(ValueError):
        compare("x", "x", [run(1), run(1)], [run(1)], None)


def test_the_sweep_prefers_throughput_then_fewer_processes():
    def point(workers, threads, rps):
        return SweepPoint(workers, threads, rps, 1, 2, 0.5, rps / 2, [50.0] * workers)

    assert best([point(1, 4, 900), point(2, 4, 1000), point(4, 2, 950)]).workers == 2
    assert best([point(4, 2, 1000), point(2, 4, 1000)]).workers == 2


def test_a_round_that_completed_nothing_counts_in_throughput_not_latency():
    stalled = Sample(0.0, 0.0, 0.0, requests=0, non_2xx=0, socket_errors=32, cpu_ms_per_request=0)
    result = figures([run(100, p50=4, p99=9), stalled, run(120, p50=6, p99=11)])
    assert result.requests_per_s == 100
    assert (result.p50_ms, result.p99_ms) == (5, 10)
    assert result.socket_errors == 32
    assert figures([stalled]).p50_ms is None


def test_the_peer_ratio_pairs_each_api_run_with_the_peer_run_of_its_round():
    comparison = compare(
        "get_one", "g", [run(90), run(50)], [run(100), run(100)], 0.8, [run(60), run(50)], 1.0
    )
    assert comparison.peer_round_ratios == [1.5, 1.0]
    assert comparison.peer_ratio == 1.25
    assert comparison.peer.requests_per_s == 55


def test_goals_say_which_are_met_and_by_how_much_the_others_are_missed():
    slower_tail = [run(120, p99=8)]
    comparison = compare("create", "c", slower_tail, [run(300)], 0.6, [run(100, p99=4)], 1.0)
    goals = {goal.name: goal for goal in comparison.goals()}
    assert (goals["API/bare req/s"].value, goals["API/bare req/s"].missed_by) == (0.4, 0.333)
    assert goals["API/peer req/s"].met and goals["API/peer req/s"].missed_by is None
    assert goals["API/peer p99"].value == 2.0
    assert not goals["API/peer p99"].met and goals["API/peer p99"].missed_by == 1.0
    assert [g["met"] for g in comparison.as_dict()["goals"]] == [False, True, False]


def test_an_endpoint_without_goals_has_none():
    assert compare("health", "h", [run(1)], [run(1)], None, [run(1)], None).goals() == []


def test_the_scaffolded_ratio_is_the_scaffolded_service_over_the_api_round_by_round():
    service = [run(100), run(50), run(100)]
    made = [run(95), run(40), run(80)]
    comparison = compare(
        "get_one", "g", service, [run(200)] * 3, 0.8, scaffolded=made, scaffolded_target_ratio=0.9
    )
    assert comparison.scaffolded_round_ratios == [0.95, 0.8, 0.8]
    assert comparison.scaffolded_ratio == 0.8
    goal = next(g for g in comparison.goals() if g.name == "scaffolded/API req/s")
    assert goal.met is False
    assert goal.missed_by == pytest.approx(0.111)


def test_an_endpoint_not_run_on_the_scaffolded_service_has_no_scaffolded_goal():
    comparison = compare("create", "c", [run(100)], [run(200)], 0.6, scaffolded_target_ratio=0.9)
    assert comparison.scaffolded is None
    assert all(not g.name.startswith("scaffolded") for g in comparison.goals())
