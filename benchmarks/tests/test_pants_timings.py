"""Pants' test summary is counted right, and the issue's ratios come from the right runs."""

import os

from benchmarks.pants_timings import (
    Step,
    TestCounts,
    busy_cpu_seconds,
    count_tests,
    pants_options,
    shown,
    summary,
)

OUTPUT = """\
01:02:14.21 [INFO] Completed: Run Pytest - benchmarks/tests/test_data.py - succeeded.

✓ benchmarks/tests/test_data.py succeeded in 21.50s.
✓ libs/config/tests/test_settings.py succeeded in 0.90s (cached locally).
✓ libs/health/tests/test_registry.py succeeded in 0.69s (memoized).
✕ services/api/tests/test_items.py failed in 3.10s.
✓ services/api/tests/test_auth.py and 19 other files succeeded in 25.31s.
✓ tests/reliability/test_abuse.py:tests and 1 other file succeeded in 9.00s (cached locally).
"""


def test_targets_that_ran_are_told_from_cached_ones_counting_every_file_of_a_batch():
    assert count_tests(OUTPUT) == TestCounts(
        total=26, ran=22, cached=4, failed=1, processes=3, process_seconds=49.9
    )


def test_no_summary_means_no_targets():
    assert count_tests("12:00:00 [INFO] nothing to test") == TestCounts(0, 0, 0, 0, 0, 0.0)


def test_ratios_are_warm_noop_over_cold_and_the_median_of_changed_over_warm_full():
    steps = [
        Step(name, [], seconds, 0, TestCounts(1, 1, 0, 0, 1, process_seconds=seconds * 2))
        for name, seconds in [
            ("cold", 200),
            ("warm_noop", 20),
            ("warm_full_1", 50),
            ("changed_only_1", 10),
            ("warm_full_2", 100),
            ("changed_only_2", 40),
            ("warm_full_3", 40),
            ("changed_only_3", 10),
        ]
    ]
    ratios = summary(steps)
    assert ratios["warm_noop_over_cold"] == 0.1
    assert ratios["changed_only_over_warm_full_per_pair"] == [0.2, 0.4, 0.25]
    assert ratios["changed_only_over_warm_full_process_seconds_per_pair"] == [0.2, 0.4, 0.25]
    assert ratios["changed_only_over_warm_full"] == 0.25
    assert ratios["met"] == {"warm_noop_over_cold": True, "changed_only_over_warm_full": True}
    steps[-1] = Step("changed_only_3", [], 20, 0, TestCounts(1, 1, 0, 0, 1))
    assert summary(steps)["met"] == {
        "warm_noop_over_cold": True,
        "changed_only_over_warm_full": False,
    }


def test_a_run_without_pairs_reports_cold_and_warm_noop_and_leaves_the_pair_goal_unmeasured():
    steps = [
        Step("cold", [], 300, 0, TestCounts(1, 1, 0, 0, 1, 600.0)),
        Step("warm_noop", [], 3, 0, TestCounts(1, 0, 1, 0, 0, 0.0)),
    ]

    ratios = summary(steps)

    assert ratios["warm_noop_over_cold"] == 0.01
    assert ratios["changed_only_over_warm_full"] is None
    assert ratios["met"] == {"warm_noop_over_cold": True, "changed_only_over_warm_full": None}


def test_recorded_commands_hold_no_paths_of_this_machine(tmp_path):
    command = ["/home/me/repo/pants", f"--local-store-dir={tmp_path}/lmdb_store", "test", "::"]
    assert shown(command, "/home/me/repo/pants", tmp_path) == [
        "./pants",
        "--local-store-dir=$CACHES/lmdb_store",
        "test",
        "::",
    ]


def test_every_cache_and_the_daemon_are_private_to_the_measurement(tmp_path):
    with_daemon = pants_options(tmp_path, daemon=True)
    assert "--pantsd" in with_daemon
    assert f"--pants-subprocessdir={tmp_path / 'pids'}" in with_daemon
    for option in ("--local-store-dir", "--named-caches-dir", "--pants-workdir"):
        values = [o.split("=", 1)[1] for o in with_daemon if o.startswith(option + "=")]
        assert len(values) == 1
        assert values[0].startswith(str(tmp_path))
    assert pants_options(tmp_path, daemon=False)[0] == "--no-pantsd"


def test_busy_cpu_time_counts_work_not_idle_waits_or_stolen_time():
    # user nice system idle iowait irq softirq steal guest guest_nice, in clock ticks
    stat = "cpu  1000 200 300 9000 500 40 60 700 0 0\ncpu0 500 100 150 4500 250 20 30 350 0 0\n"

    busy = busy_cpu_seconds(stat)

    assert busy == 1600 / os.sysconf("SC_CLK_TCK")
