"""Problems as data: stable codes, templates, a limit, text and JSON forms."""

from asdh_lod.core.problems import TYPES, ProblemsFound, Report, problem


def test_problem_text_names_file_line_code_and_fix():
    p = problem("unknown-code", "data/sources/x.yaml", 42, field="unit", value="people", scheme="unit",
                scheme_file="units.yaml", suggestion=" (did you mean 'person'?)")
    assert str(p) == ("data/sources/x.yaml:42: [unknown-code] unit 'people' is not in code list 'unit' "
                      "(use a code from data/codelists/units.yaml (did you mean 'person'?))")
    assert p.to_dict()["title"] == "Unknown code"


def test_every_type_has_code_title_template_hint():
    for code, t in TYPES.items():
        assert t.code == code and t.title and t.template and t.hint


def test_report_limit_and_json():
    r = Report(limit=2)
    for i in range(5):
        r.add(problem("empty-file", f"f{i}.yaml", 1))
    assert (len(r.problems), r.total, r.truncated, r.ok) == (2, 5, True, False)
    assert r.lines()[-1] == "... and 3 more problems (limit 2)"
    d = r.to_dict()
    assert d["valid"] is False and d["problem_count"] == 5 and len(d["problems"]) == 2
    assert str(ProblemsFound("load", r)) == "load: 5 problems found; nothing was written"


def test_warnings_do_not_fail_a_report():
    r = Report()
    r.add(problem("shacl", None, None, severity="warning", message="m"))
    assert r.ok and r.total == 1


def test_merge_keeps_the_reports_limit_and_counts_everything_found():
    worker = Report(limit=3)
    for i in range(5):  # a worker kept 3 of the 5 it found, one error among those it dropped
        worker.add(problem("empty-file", f"f{i}.yaml", 1, severity="warning" if i != 4 else "error"))
    report = Report(limit=4)
    report.add(problem("empty-file", "a.yaml", 1, severity="warning"))
    report.merge(worker)
    assert [p.path for p in report.problems] == ["a.yaml", "f0.yaml", "f1.yaml", "f2.yaml"]
    assert report.total == 6 and report.truncated
    assert not report.ok  # the error the worker found past its limit still fails the report


def test_an_error_past_the_limit_still_fails_the_report():
    report = Report(limit=1)
    report.add(problem("empty-file", "a.yaml", 1, severity="warning"))
    assert report.ok
    report.add(problem("empty-file", "b.yaml", 1))  # not kept: the limit is full of warnings
    assert [p.path for p in report.problems] == ["a.yaml"]
    assert report.truncated and not report.ok
    assert report.to_dict()["valid"] is False
