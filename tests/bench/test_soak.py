"""The soak script, shortened for CI: 16 clients against the real server with the tiny model."""

from __future__ import annotations

from bench.soak import KINDS, main

# Long enough for every kind of request to run many times on a 2-core box; the 60 s run is manual.
CI_SECONDS = 8
CI_WARMUP_SECONDS = 3


def test_sixteen_clients_get_no_errors_and_the_report_says_so(tiny_model_dir, capsys):
    result = main(
        [
            "--model",
            str(tiny_model_dir),
            "--seconds",
            str(CI_SECONDS),
            "--warmup",
            str(CI_WARMUP_SECONDS),
            "--threads",
            "1",
        ]
    )
    out = capsys.readouterr().out
    assert result.total_errors == 0
    assert all(len(result.latencies[kind]) > 0 for kind in KINDS)
    assert result.rss_warm_mb > 0 and result.rss_end_mb > 0
    assert "RSS growth" in out and "errors: 0" in out
