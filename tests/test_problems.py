"""Problems as data: stable codes, templates, a limit, text and JSON forms."""

from asdh_lod.problems import TYPES, ProblemsFound, Report, problem


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
