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
    assert 0.3 < speed["speedup_2_processes"] <= 2.6
