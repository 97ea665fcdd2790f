"""wrk's report is read correctly and the request script says what the benchmark means."""

import pytest

from benchmarks.wrk import Load, Request, WrkError, command, lua_script, parse_output

REPORT = """\
Running 10s test @ http://127.0.0.1:8000
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    12.41ms    3.02ms  61.30ms   81.23%
    Req/Sec     2.58k   210.11     2.90k    76.00%
  Latency Distribution
     50%  850.00us
     75%   13.10ms
     90%   15.88ms
     99%    1.20s
  25712 requests in 10.02s, 8.33MB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 7
Requests/sec:   2566.13
Transfer/sec:    851.09KB
"""


def test_report_figures_are_parsed_in_milliseconds():
    result = parse_output(REPORT)
    assert result.requests == 25712
    assert result.duration_s == pytest.approx(10.02)
    assert result.requests_per_s == pytest.approx(2566.13)
    assert result.p50_ms == pytest.approx(0.85)
    assert result.p99_ms == pytest.approx(1200.0)
    assert result.non_2xx == 7
    assert result.socket_errors == 5


def test_a_clean_report_has_no_errors():
    clean = "\n".join(
        line for line in REPORT.splitlines() if "errors" not in line and "Non-2xx" not in line
    )
    result = parse_output(clean)
    assert (result.non_2xx, result.socket_errors) == (0, 0)


def test_output_without_latency_percentiles_is_refused():
    without = "\n".join(line for line in REPORT.splitlines() if "%  " not in line)
    with pytest.raises(WrkError, match="not a wrk --latency report"):
        parse_output(without)


def test_the_script_sends_method_headers_body_and_cycles_paths():
    script = lua_script(
        Request(
            method="POST",
            paths=["/items/1", "/items/2"],
            headers={"Authorization": "Bearer a.b.c", "Content-Type": "application/json"},
            body='{"name": "x"}',
        )
    )
    assert 'wrk.method = "POST"' in script
    assert 'wrk.headers["Authorization"] = "Bearer a.b.c"' in script
    assert 'wrk.body = "{\\"name\\": \\"x\\"}"' in script
    assert 'local paths = {"/items/1", "/items/2"}' in script
    assert "wrk.format(nil, paths[next_index])" in script


@pytest.mark.parametrize("value", ["new\nline", "caf\u00e9"])
def test_values_lua_could_misread_are_refused(value):
    with pytest.raises(ValueError, match="printable ASCII"):
        lua_script(Request("GET", ["/"], {"X-Test": value}))


def test_the_command_bounds_duration_connections_and_timeout(tmp_path):
    script = tmp_path / "request.lua"
    argv = command("wrk", "http://127.0.0.1:1", script, Load(32, 10, threads=2, timeout_s=5))
    assert argv == [
        "wrk",
        "--threads=2",
        "--connections=32",
        "--duration=10s",
        "--timeout=5s",
        "--latency",
        f"--script={script}",
        "http://127.0.0.1:1",
    ]
    with pytest.raises(ValueError):
        command("wrk", "http://127.0.0.1:1", script, Load(1, 10, threads=2))
