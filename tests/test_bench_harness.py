"""The benchmark harness's own arithmetic and its machine-speed probe."""

from tests.bench.common import machine_speed, percentile, summary_ms


def test_percentiles_are_nearest_rank():
    values = list(range(1, 101))
    assert (percentile(values, 50), percentile(values, 95), percentile(values, 99)) == (50, 95, 99)
    assert percentile([], 95) == 0.0
    assert percentile([7], 99) == 7
    stats = summary_ms([0.010, 0.020, 0.030, 0.040])
    assert (stats["p50"], stats["p95"], stats["n"], stats["mean"]) == (20.0, 40.0, 4, 25.0)


def test_machine_speed_times_the_fixed_workload_alone_and_side_by_side():
    speed = machine_speed(cores=2)
    assert set(speed) == {"workload_cpu_s", "speedup_2_processes"}
    assert 0.05 < speed["workload_cpu_s"] < 60
    # Two processes on two cores do at most about twice the work of one; another job on the
    # machine while the one process is timed (a test run beside this one) can inflate the
    # ratio, so only a ratio no machine could give is a fault of the harness.
    assert 0.3 < speed["speedup_2_processes"] <= 8


def test_peak_memory_is_the_commands_own_not_the_runners():
    """A runner that grew large (after building a corpus) must not lend its size to the
    commands it measures."""
    import sys

    from tests.bench.common import run_measuring_peak

    ballast = bytearray(400 * 2**20)  # the runner holds 400 MB
    ballast[::4096] = b"x" * len(ballast[::4096])  # touched, so resident
    small, small_mb = run_measuring_peak([sys.executable, "-c", "x = bytearray(30 * 2**20)"])
    large, large_mb = run_measuring_peak(
        [sys.executable, "-c", "x = bytearray(250 * 2**20); x[::4096] = b'y' * len(x[::4096])"]
    )
    failed, _ = run_measuring_peak([sys.executable, "-c", "raise SystemExit(3)"])
    del ballast
    assert small.returncode == large.returncode == 0 and failed.returncode == 3
    assert 5 < small_mb < 120
    assert 250 <= large_mb < 400
