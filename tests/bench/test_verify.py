from __future__ import annotations

from bench.verify import main


def test_verify_reports_agreement_and_largest_difference(tiny_model_dir, capsys):
    result = main(["--model", str(tiny_model_dir), "--labels", "旅行,料理,踊り"])
    out = capsys.readouterr().out
    assert result.compared == 8
    assert 0 <= result.top1_agree <= result.compared
    assert f"{result.top1_agree}/8" in out
    assert "largest score difference" in out
