"""``kpdesk match`` on the shared labelled set, through the command line, as the issue asks."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text as sql_text
from support import EVAL, drop_location, new_location, run_cli, run_kpdesk, with_session

from kpdesk.common.norsk import sort_key
from kpdesk.common.paths import Location


@pytest.fixture(scope="module")
def eval_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Location]:
    if not (EVAL / "labels.csv").exists():
        pytest.skip(f"the shared eval files are not beside the repository ({EVAL})")
    db = new_location(tmp_path_factory.mktemp("eval"), "eval.sqlite", lasting=True)
    for kind in ("employers", "offers", "needs"):
        result = run_kpdesk("import", kind, str(EVAL / f"{kind}.csv"), "--db", str(db))
        assert result.returncode == 0, result.stderr
    yield db
    drop_location(db)


def test_best_offer_first_and_no_match_where_none_fits(eval_db: Path) -> None:
    result = run_kpdesk("match", "--db", str(eval_db), "--as-of", "2027-01-10", "--json")
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)
    assert output["as_of"] == "2027-01-10"
    by_need = {need["ref"]: need["matches"] for need in output["needs"]}
    with (EVAL / "labels.csv").open(encoding="utf-8-sig", newline="") as handle:
        labels = list(csv.DictReader(handle, delimiter=";"))
    wrong = []
    for label in labels:
        matches = by_need[label["need"]]
        if not label["best"]:
            if matches:
                wrong.append(f"{label['need']}: expected no match, got {matches[0]['offer']}")
        elif not matches or matches[0]["offer"] != label["best"]:
            wrong.append(f"{label['need']}: expected {label['best']}, got {[m['offer'] for m in matches[:3]]}")
    assert not wrong, wrong
    for matches in by_need.values():
        for match in matches:
            assert 0 <= match["score"] <= 1 and match["reasons"]
        assert [m["score"] for m in matches] == sorted((m["score"] for m in matches), reverse=True)
    assert all(isinstance(group["headcount"], int) for group in output["groups"])


def test_readable_table_and_bad_date(eval_db: Path) -> None:
    result = run_kpdesk("match", "--db", str(eval_db), "--as-of", "2027-01-10")
    assert result.returncode == 0
    assert "ingen passende tilbud" in result.stdout
    assert "Samlet etterspørsel" in result.stdout
    assert " 1 personer" not in result.stdout and " 1 arbeidsgivere" not in result.stdout  # Norwegian plurals
    assert re.search(r": \d+ ansatte? hos \d+ arbeidsgivere?( og \d+ privatpersoner?)? →", result.stdout)
    bad = run_kpdesk("match", "--db", str(eval_db), "--as-of", "31.02.2027")
    assert bad.returncode == 1
    assert "--as-of" in bad.stderr and "Traceback" not in bad.stderr


def test_missing_database_is_a_clear_error(tmp_path: Path) -> None:
    result = run_kpdesk("match", "--db", str(tmp_path / "nope.sqlite"))
    assert result.returncode == 1
    assert "finnes ikke" in result.stderr


def test_json_on_the_demo_is_the_run_one_need_per_line(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The streamed JSON holds exactly the run's document (``MatchingRun.to_json``), each need,
    group and commitment on a line of its own, so a coordinator's script can also read it by line."""
    import datetime as dt

    from support import run_cli, with_session

    from kpdesk.matching.run import run_matching

    code, out, err = run_cli(capsys, "match", "--db", demo, "--as-of", "2027-01-11", "--json")
    assert code == 0, err
    expected = with_session(demo, lambda s: run_matching(s, dt.date(2027, 1, 11)).to_json())
    assert json.loads(out) == expected
    lines = out.splitlines()
    assert len(lines) == 1 + 3 * 2 + len(expected["needs"]) + len(expected["groups"]) + len(expected["commitments"])
    need_lines = [line for line in lines if line.startswith('  {"ref": ')]
    assert [json.loads(line.rstrip(","))["ref"] for line in need_lines] == [n["ref"] for n in expected["needs"]]
    assert any(n["matches"] and n["matches"][0]["reasons"] for n in expected["needs"])


def test_the_table_groups_thousands_in_its_counts() -> None:
    import datetime as dt
    from types import SimpleNamespace

    from kpdesk.commands.match import _table_lines

    results = [SimpleNamespace(need_ref=f"B{n:05d}", matches=[]) for n in range(1234)]
    run = SimpleNamespace(as_of=dt.date(2027, 1, 11), results=results, offers=[], needs=[], groups=[],
                          counts=lambda: (1234, 1234))
    first = next(iter(_table_lines(run)))
    assert first == "Matching per 11.01.2027: 1\u00a0234 åpne behov, 1\u00a0234 uten passende tilbud.\n"


def test_the_table_counts_what_the_matching_page_counts(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The table's open needs and needs without a fitting offer are the Matching page's
    (``MatchingRun.counts``): a need with a chosen offer has one, and a person whose consent does
    not cover statistics is in no figure, though their need is listed with its proposals."""
    import datetime as dt

    from support import run_cli, with_session

    from kpdesk.matching.run import run_matching

    run = with_session(demo, lambda s: run_matching(s, dt.date(2027, 1, 11)))
    uncounted = [n for n in run.needs if not n.counted]
    assert uncounted, "the demo has persons without consent to statistics"
    counted = [(n, r) for n, r in zip(run.needs, run.results, strict=True) if n.counted]
    unmet = sum(1 for _, r in counted if not r.matches and not r.chosen)
    assert any(r.chosen and not r.matches for _, r in counted) or unmet < len(counted)
    assert run.counts() == (len(counted), unmet) and len(counted) == len(run.needs) - len(uncounted)
    code, out, err = run_cli(capsys, "match", "--db", demo, "--as-of", "2027-01-11")
    assert code == 0, err
    assert out.splitlines()[0] == f"Matching per 11.01.2027: {len(counted)} åpne behov, {unmet} uten passende tilbud."
    assert f"\n{uncounted[0].ref:<8} {uncounted[0].title}\n" in out  # listed all the same


def test_json_gives_employers_persons_and_communities_apart(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Per the issue («shown apart»): a group's and a commitment's ``employers`` are employers only,
    beside ``persons`` («Privatperson P0003», never a name) and ``communities``; together they are
    every owner of its needs, and the group's ``contributors`` count them."""
    code, out, err = run_cli(capsys, "match", "--db", demo, "--as-of", "2027-01-11", "--json")
    assert code == 0, err
    output = json.loads(out)
    owners = with_session(demo, lambda s: {r: (k, n) for r, k, n in s.execute(sql_text(
        "SELECT need.ref, CASE WHEN need.employer_id IS NOT NULL THEN 'employer' WHEN need.person_id IS NOT NULL"
        " THEN 'person' ELSE 'community' END, coalesce(employer.name, person.name, need.community) FROM need"
        " LEFT JOIN employer ON employer.id = need.employer_id LEFT JOIN person ON person.id = need.person_id"))})
    kinds = {"employers": "employer", "persons": "person", "communities": "community"}
    seen = set()
    for item in output["groups"] + output["commitments"]:
        for key, kind in kinds.items():
            assert item[key] == sorted(item[key], key=sort_key)
            assert len(item[key]) == len({owners[ref][1] for ref in item["needs"] if owners[ref][0] == kind})
            if item[key]:
                seen.add(key)
        assert not any(name in item["persons"] for ref in item["needs"] for name in [owners[ref][1]]
                       if owners[ref][0] == "person")  # a person's name is never in it
        assert all(label.startswith("Privatperson P") for label in item["persons"])
        if "contributors" in item:
            assert (item["contributors"]["employers"], item["contributors"]["individuals"],
                    item["contributors"]["communities"]) == (len(item["employers"]), len(item["persons"]),
                                                             len(item["communities"]))
    assert seen == set(kinds), "the demo's groups have owners of every kind"
