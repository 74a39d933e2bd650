"""Disclosure control in the anonymous handout, judged as a reader with the printed pages would judge it.

For the small and the regional demo, the handout for the whole area and for each municipality:

- every figure printed as a number stands for at least 3 contributors (employers, private persons,
  communities), none of them with more than 80 % of its persons or needs, and every number of
  contributors printed by kind («4 arbeidsgivere og 3 privatpersoner») passes the same rule for
  each kind on its own (checked against the database, not against kpdesk's bookkeeping);
- no hidden figure can be worked out: an exact bounds check over every figure the handout prints,
  with every sum and inequality a reader knows, finds at least two possible values for each
  hidden figure (``Reader`` below says what the reader knows);
- hidden demand groups come after the shown ones, in an order that says nothing about their size;
- employers are named only beside a shown number of employers, and only those that agreed;
- the legend for the symbols stands right under every table that uses them.

The figures are read from the tables and paragraphs the handout's story draws (the same strings
ReportLab lays out), not from kpdesk's own suppression objects, so the check does not trust them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from disclosure_reader import CAP, Reader, number
from support import with_session

AS_OF = dt.date(2027, 1, 11)
WHO = "Meldt av"  # the group tables' column of contributors
KINDS = {"arbeidsgiver": "employer", "privatperson": "person", "lokalsamfunn": "community"}


# ---------------------------------------------------------------- databases

def _demo(folder: Path, *extra: str) -> Path:
    from kpdesk.cli import main

    path = folder / "demo.sqlite"
    assert main(["demo", "--db", str(path), *extra]) == 0
    return path



# ---------------------------------------------------------------- what the handout prints

def _plain(value: Any) -> str:
    if isinstance(value, str):
        return value
    if hasattr(value, "getPlainText"):
        return value.getPlainText()
    return "" if value is None else str(value)


def _flowables(items: Iterable[Any]) -> Iterator[Any]:
    """The story's flowables in reading order, wrappers (KeepTogether and the like) opened."""
    for item in items:
        inner = getattr(item, "_content", None)
        if isinstance(inner, list | tuple):
            yield from _flowables(inner)
        else:
            yield item


@dataclasses.dataclass
class Printed:
    """A handout as a reader sees it: its tables (cell strings) and paragraphs, in order."""

    tables: list[list[list[str]]]  # each with its header row first
    paragraphs: list[str]
    after_table: list[list[str]]  # per table: the paragraphs between it and the next heading or table

    def table(self, first_header: str) -> list[list[str]] | None:
        return next((t for t in self.tables if t[0][0] == first_header), None)

    def group_tables(self) -> list[list[list[str]]]:
        return [t for t in self.tables if "Personer" in t[0] and WHO in t[0]]


def printed(data: Any) -> Printed:
    from reportlab.platypus import Paragraph, Table

    from kpdesk.reports import handout

    tables: list[list[list[str]]] = []
    paragraphs: list[str] = []
    after: list[list[str]] = []
    following: list[str] | None = None
    for flowable in _flowables(handout.story(data)):
        if isinstance(flowable, Table):
            tables.append([[_plain(v) for v in row] for row in flowable._cellvalues])
            following = []
            after.append(following)
        elif isinstance(flowable, Paragraph):
            text = flowable.getPlainText()
            paragraphs.append(text)
            is_heading = re.fullmatch(r"h\d", flowable.style.name) is not None
            if following is not None and not is_heading:
                following.append(text)
            elif is_heading:
                following = None
    return Printed(tables, paragraphs, after)


def leading_token(cell: str) -> str:
    """The figure at the start of a cell: '12', ':', '<3', '–' ('5, blant dem …' → '5')."""
    found = re.match(r"\s*(<3|:|–|\d[\d\u00a0]*)", cell)
    assert found, f"no figure at the start of {cell!r}"
    return found.group(1)


def summary_token(paragraphs: Sequence[str], pattern: str) -> str:
    """A figure in the summary sentence ('et skjult antall' is the hidden sign in words)."""
    for text in paragraphs:
        found = re.search(pattern, text.replace("\n", " "))
        if found:
            value = found.group(1).strip()
            return ":" if "skjult" in value else value
    raise AssertionError(f"the summary sentence has no figure for {pattern!r}: {paragraphs[:3]}")


# ---------------------------------------------------------------- the reader's bounds check

def named_count(cell: str, nameable: Sequence[str]) -> int:
    """How many employers a cell names (longest names first: one name can hold another)."""
    text = re.sub(r"\s+", " ", cell)
    if "blant dem" not in text and "bl.a." not in text:
        return 0
    count = 1 if "m.fl." in text else 0
    for name in sorted(nameable, key=len, reverse=True):
        if name in text:
            count += 1
            text = text.replace(name, "")
    return count


def read_table(reader: Reader, page: Printed) -> int | None:
    """The needs table: rows and columns add up to their sums; the summary's needs total is its grand
    total. Returns the grand total's figure."""
    table = page.table("Kommune")
    if table is None:
        return None
    header, *body = table
    grid = [[reader.figure(f"{row[0]} / {header[c]}", leading_token(row[c])) for c in range(1, len(header))]
            for row in body]
    for line in grid[:-1]:  # the last row holds the column sums, the last column the row sums
        reader.sums(line[:-1], line[-1])
    for c in range(len(header) - 1):
        reader.sums([grid[r][c] for r in range(len(grid) - 1)], grid[-1][c])
    needs = grid[-1][-1]
    token = summary_token(page.paragraphs, r"registrert (.+?) åpne?t? behov")
    reader.sums([needs], reader.figure("behov i alt (sammendraget)", token))
    return needs


@dataclasses.dataclass(frozen=True)
class Who:
    """A printed number of contributors: its figure, and by kind (None when the kinds are not told)."""

    token: str  # ':' or the number
    kinds: dict[str, int] | None


def read_who(text: str) -> Who:
    """'4 arbeidsgivere og 3 privatpersoner, blant dem A', '7 til sammen' (or 'i alt 7 arbeidsgivere,
    privatpersoner og lokalsamfunn'), ':' or 'et skjult antall …' (a word the cell hyphenated at a
    line's end is whole again; '1\u00a0061' is 1061)."""
    text = re.sub(r"\s+", " ", re.sub(r"-\n", "", text.replace("\u00a0", ""))).split(", blant dem")[0].strip()
    if text.startswith(":") or text.startswith("et skjult antall"):
        return Who(":", None)
    together = re.fullmatch(r"(\d+) til sammen|i alt (\d+) .*", text)
    if together:
        return Who(together.group(1) or together.group(2), None)
    kinds = {KINDS[noun]: int(count) for count, noun in
             re.findall(r"(\d+) (arbeidsgiver|privatperson|lokalsamfunn)(?:e|er)?\b", text)}
    assert kinds, f"no number of contributors in {text!r}"
    return Who(str(sum(kinds.values())), kinds)


def summary_who(paragraphs: Sequence[str]) -> Who:
    for text in paragraphs:
        found = re.search(r"åpne?t? behov fra (.+?) i [^,]+, til sammen", text.replace("\n", " "))
        if found:
            return read_who(found.group(1))
    raise AssertionError(f"the summary sentence has no number of contributors: {paragraphs[:3]}")


def model_kinds(reader: Reader, label: str, who: Who, total: int, known_zero: set[str], twins: Any = None
                ) -> dict[str, int]:
    """A number of contributors by kind: the printed split, or (not told) a whole number from 0 for each
    kind, at least two of them above 0 when the total is shown (one alone would be the shown total)."""
    figures: dict[str, int] = {}
    flags = []
    for kind in KINDS.values():
        if who.kinds is not None or kind in known_zero:
            figures[kind] = reader.figure(f"{label}: {kind}", str((who.kinds or {}).get(kind, 0)))
            continue
        figures[kind] = reader.figure(f"{label}: {kind}", "?", (kind, twins) if twins else None)
        if who.token != ":":
            flag = reader.flag(f"{label}: {kind} is behind it")
            reader.relation({figures[kind]: 1.0, flag: -1.0}, low=0.0)
            reader.relation({figures[kind]: 1.0, flag: -float(CAP)}, high=0.0)
            flags.append(flag)
    if flags:
        reader.relation(dict.fromkeys(flags, 1.0), low=2.0)
    reader.sums(figures.values(), total)
    return figures


def read_groups(reader: Reader, page: Printed, nameable: Sequence[str]) -> int | None:
    """The demand groups split the open needs, so their persons add up to the summary's total. A
    group has at least one contributor, at least as many employers as it names (one more with
    "m.fl."), at most as many contributors as its persons and at most the summary's; every
    contributor is in some group, so the groups' contributors add up to at least the summary's, kind
    by kind. A number of contributors not told by kind has a whole number from 0 of each kind, at
    least two of them above 0 (rule 6), each at most the summary's. Returns the persons total's figure."""
    if not page.group_tables():
        return None
    persons_total = reader.figure("personer i alt", summary_token(page.paragraphs, r", til sammen (.+?) personer?\b"))
    who_total = summary_who(page.paragraphs)
    contributors_total = reader.figure("meldt av i alt", who_total.token)
    zero = {k for k, v in (who_total.kinds or {}).items() if v == 0}
    if who_total.kinds is not None:
        zero |= set(KINDS.values()) - set(who_total.kinds)
    kinds_total = model_kinds(reader, "meldt av i alt", who_total, contributors_total, zero)
    persons, by_kind = [], defaultdict(list)
    for group_table in page.group_tables():
        header, *body = group_table
        p, e = header.index("Personer"), header.index(WHO)
        for row in body:
            label = " · ".join(cell.replace("\n", " ") for cell in row[:3])
            named = named_count(row[e], nameable)
            who = read_who(row[e])
            twins = (leading_token(row[p]), who.token, named)
            persons.append(reader.figure(f"{label}: personer", leading_token(row[p]), ("personer", twins)))
            count = reader.figure(f"{label}: meldt av", who.token, ("meldt av", twins))
            reader.relation({count: 1.0, persons[-1]: -1.0}, high=0.0)
            reader.relation({count: 1.0, contributors_total: -1.0}, high=0.0)
            kinds = model_kinds(reader, f"{label}: meldt av", who, count, zero, twins)
            reader.at_least(kinds["employer"], float(named))
            for kind, figure in kinds.items():
                reader.relation({figure: 1.0, kinds_total[kind]: -1.0}, high=0.0)
                by_kind[kind].append(figure)
    reader.sums(persons, persons_total)
    for kind, figures in by_kind.items():
        reader.relation({**dict.fromkeys(figures, 1.0), kinds_total[kind]: -1.0}, low=0.0)
    return persons_total


def hidden_ranges(page: Printed, nameable: Sequence[str]) -> dict[str, tuple[int, int]]:
    """Every hidden figure's possible values (two of them, or its only one), from all the page prints.

    The table and the groups share one link: persons ≥ needs (every need has at least one person).
    A reading of the table fits some reading of the groups exactly when its needs total is at most
    the largest possible persons total, and the other way round, so each side is solved alone with
    that bound (exact, and much faster than one program with both).
    """
    table, groups = Reader(), Reader()
    needs = read_table(table, page)
    persons = read_groups(groups, page, nameable)
    if needs is not None and persons is not None:
        table.at_most(needs, groups.largest(persons))
        groups.at_least(persons, table.smallest(needs))
    return {**table.ranges(), **groups.ranges()}


# ---------------------------------------------------------------- who is behind a printed figure

@dataclasses.dataclass(frozen=True)
class Need:
    owner: str  # the contributor: its kind and key ('employer:974760673', 'person:P00003', 'community:1836')
    headcount: int
    row: str  # the municipality as the table labels it, or '<region> (regionen)' for a region's own need
    section: str  # SN2007 section letter, '' when the employer's industry is not known (or it is not an employer)
    kind: str = "employer"  # employer | person | community


def _safe(needs: Sequence[Need]) -> bool:
    """At least 3 contributors, none with more than 80 % of the persons or of the needs."""
    persons: dict[str, int] = defaultdict(int)
    counts: dict[str, int] = defaultdict(int)
    for need in needs:
        persons[need.owner] += need.headcount
        counts[need.owner] += 1
    dominant = any(5 * max(m.values()) > 4 * sum(m.values()) for m in (persons, counts))
    return len(persons) >= 3 and not dominant


KIND_COLUMNS = {"privatpersoner": "person", "lokalsamfunn": "community"}  # squeezed headers


def _column_needs(needs: Sequence[Need], label: str, letters: set[str]) -> list[Need]:
    if squeeze(label) in KIND_COLUMNS:
        return [n for n in needs if n.kind == KIND_COLUMNS[squeeze(label)]]
    employers = [n for n in needs if n.kind == "employer"]
    if label == "?":
        return [n for n in employers if not n.section]
    if label == "Andre":
        return [n for n in employers if n.section and n.section not in letters]
    return [n for n in employers if n.section == label]


def unsafe_table_figures(page: Printed, needs: Sequence[Need]) -> list[str]:
    table = page.table("Kommune")
    if table is None:
        return []
    header, *body = table
    columns = header[1:-1]
    letters = {c for c in columns if len(c) == 1 and c.isalpha()}
    found = []
    for row in body:
        in_row = needs if row[0] == "Sum" else [n for n in needs if squeeze(n.row) == squeeze(row[0])]
        for c, label in enumerate(header[1:], start=1):
            if number(row[c]) is None:
                continue
            behind = in_row if label == "Sum" else _column_needs(in_row, label, letters)
            assert len(behind) == number(row[c]), f"{row[0]} / {label}: the test reads the table wrongly"
            if not _safe(behind):
                found.append(f"{row[0]} / {label} = {row[c]} ({len({n.owner for n in behind})} bak)")
    return found


def squeeze(text: str) -> str:
    """Text without spaces, line breaks and hyphens: a table cell wraps long words with a hyphen."""
    return re.sub(r"[\s\-]+", "", text).casefold()


def line_key(topic: str, level: str, region: str) -> tuple[str, str, str]:
    return squeeze(topic), squeeze(level), squeeze(region)


def index_groups(groups: Sequence[Any]) -> dict[tuple[str, str, str], list[Any]]:
    """The demand groups by how their line reads (topic, level, region)."""
    from kpdesk.reports.facts import level_text

    found: dict[tuple[str, str, str], list[Any]] = defaultdict(list)
    for g in groups:
        found[line_key(g.topic, level_text(g.level), g.region)].append(g)
    return found


# ---------------------------------------------------------------- one database: every handout

@dataclasses.dataclass
class Handout:
    label: str
    page: Printed
    groups: dict[tuple[str, str, str], list[Any]]  # by line_key
    needs: list[Need]

    def groups_of_line(self, row: Sequence[str]) -> list[Any]:
        """The demand groups a printed line (topic, level, region, …) can stand for."""
        return self.groups.get(line_key(row[0], row[1], row[2]), [])


@dataclasses.dataclass
class Demo:
    handouts: list[Handout]  # the whole area first, then each municipality with open needs
    needs: dict[str, Need]  # by need ref
    nameable: list[str]  # employers that agreed to be named


def load_demo(path: Path) -> Demo:
    def work(session: Any) -> Demo:
        from sqlalchemy import select

        from kpdesk.common import reference
        from kpdesk.db.models import Employer
        from kpdesk.matching.engine.aggregation import aggregate
        from kpdesk.matching.run import run_matching
        from kpdesk.reports import handout

        rows = session.execute(select(Employer.org_number, Employer.name, Employer.may_be_named,
                                      Employer.industry)).all()
        industry = {org: code for org, _name, _may, code in rows}
        run = run_matching(session, AS_OF)
        by_ref: dict[str, Need] = {}
        counted = [n for n in run.needs if n.counted]  # persons without consent to statistics are in no figure
        for n in counted:
            section = reference.industry_section(industry.get(n.employer_ref)) if n.owner_kind == "employer" else None
            row = (reference.municipality_label(n.municipality) if n.municipality
                   else f"{n.employer_ref} (regionen)" if n.owner_kind == "community" else "Kommune ikke oppgitt")
            by_ref[n.ref] = Need(f"{n.owner_kind}:{n.employer_ref or n.employer_name}", n.headcount, row,
                                 section.code if section else "", n.owner_kind)
        results = {r.need_ref: r for r in run.results}
        found = [Handout("hele området", printed(handout.load(session, handout.Scope(), AS_OF, run)),
                         index_groups(run.groups), list(by_ref.values()))]
        for municipality in sorted({n.municipality for n in counted if n.municipality}):
            needs = [n for n in counted if n.municipality == municipality]
            groups = aggregate(needs, [results[n.ref] for n in needs], run.offers, run.matcher.regions,
                               matcher=run.matcher)
            data = handout.load(session, handout.Scope((municipality,)), AS_OF, run)
            found.append(Handout(reference.municipality_label(municipality), printed(data), index_groups(groups),
                                 [by_ref[n.ref] for n in needs]))
        return Demo(found, by_ref, [name for _org, name, may, _code in rows if may])

    return with_session(path, work)


# ---------------------------------------------------------------- the checks: each lists what it finds wrong

def unsafe_split(needs: Sequence[Need], who: Who) -> str:
    """What is wrong with a number of contributors printed by kind ('' if nothing): it must count
    the contributors of each kind, and each kind must pass the rule on its own (rule 6)."""
    if who.kinds is None:
        return ""
    actual = {kind: len({n.owner for n in needs if n.kind == kind}) for kind in KINDS.values()}
    printed_kinds = {kind: who.kinds.get(kind, 0) for kind in KINDS.values()}
    if actual != printed_kinds:
        return f"printed {printed_kinds}, but {actual}"
    unsafe = [kind for kind, count in actual.items() if count and not _safe([n for n in needs if n.kind == kind])]
    return f"{', '.join(unsafe)} shown by kind, too few or one dominant" if unsafe else ""


def unsafe_figures(demo: Demo) -> list[str]:
    """Printed numbers that stand for fewer than 3 contributors or one dominant one, and numbers of
    contributors told by kind where a kind has fewer than 3 or one dominant one."""
    found = []
    for h in demo.handouts:
        found += [f"{h.label}: {what}" for what in unsafe_table_figures(h.page, h.needs)]
        if h.page.group_tables():
            wrong = unsafe_split(h.needs, summary_who(h.page.paragraphs))
            found += [f"{h.label}: the summary's contributors: {wrong}"] if wrong else []
        printed_lines: dict[tuple[tuple[str, str, str], int, Any], list[Sequence[str]]] = defaultdict(list)
        for table in h.page.group_tables():
            header, *body = table
            for row in body:
                shown = number(leading_token(row[header.index("Personer")]))
                if shown is not None:
                    who = read_who(row[header.index(WHO)])
                    told = tuple(sorted(who.kinds.items())) if who.kinds is not None else None
                    printed_lines[(line_key(*row[:3]), shown, (who.token, told))].append(row)
        # Lines can read alike (same topic, level and region): as many as are printed with a figure,
        # so many groups that read so, have that many persons and pass the rule must exist.
        for (key, shown, (token, told)), rows in printed_lines.items():
            who = Who(token, dict(told) if told is not None else None)
            candidates = [g for g in h.groups.get(key, []) if g.headcount == shown]
            assert candidates, f"no demand group matches the printed line {rows[0][:4]}"
            safe = [g for g in candidates if _safe(members := [demo.needs[ref] for ref in g.need_refs])
                    and int(who.token) == len({n.owner for n in members}) and not unsafe_split(members, who)]
            if len(rows) > len(safe):
                g = next(g for g in candidates if g not in safe)
                members = [demo.needs[ref] for ref in g.need_refs]
                found.append(f"{h.label}: {g.topic} · {g.region}: {shown} personer, {who} {unsafe_split(members, who)}")
    return found


def pinned_figures(demo: Demo) -> list[str]:
    """Hidden figures that have only one possible value (a kind that can only be 0 is nobody: rule 2)."""
    return [f"{h.label}: {name} = {low}" for h in demo.handouts
            for name, (low, high) in hidden_ranges(h.page, demo.nameable).items() if high - low < 1 and high > 0]


def misplaced_hidden_groups(demo: Demo) -> list[str]:
    """Hidden groups among shown ones, or not in order of region, topic and level.

    Sorted by size, a hidden group between groups of 15 and 13 persons would have 13–15."""
    from kpdesk.common.codes import LEVEL_RANK
    from kpdesk.common.norsk import sort_key

    found = []
    for h in demo.handouts:
        for table in h.page.group_tables():
            header, *body = table
            hidden = [row for row in body if number(leading_token(row[header.index("Personer")])) is None]
            if body[len(body) - len(hidden):] != hidden:
                found.append(f"{h.label}: a hidden group stands between shown ones")
            keys = []
            for row in hidden:
                groups = h.groups_of_line(row)
                assert groups, f"no demand group matches the printed line {row[:4]}"
                keys.append((sort_key(groups[0].region), sort_key(groups[0].topic),
                             LEVEL_RANK.get(groups[0].level or "", 0)))
            if keys != sorted(keys):
                found.append(f"{h.label}: hidden groups are not in order of region, topic and level")
    return found


def naming_problems(demo: Demo) -> list[str]:
    """Names beside hidden groups or beside a number of contributors not told by kind (its employers
    are not a shown figure), or said as "bl.a." / "m.fl." / next to "<3"."""
    found = []
    for h in demo.handouts:
        for table in h.page.group_tables():
            header, *body = table
            for row in body:
                cell = re.sub(r"\s+", " ", row[header.index(WHO)])
                if "bl.a." in cell or "m.fl." in cell or "<3" in cell:
                    found.append(f"{h.label}: {cell}")
                named = named_count(cell, demo.nameable)
                if named and (number(leading_token(cell)) is None or "blant dem" not in cell):
                    found.append(f"{h.label}: names beside a hidden group: {cell}")
                if named and not read_who(cell).kinds:
                    found.append(f"{h.label}: names beside a number not told by kind: {cell}")
    return found


def missing_legends(demo: Demo) -> list[str]:
    """Tables with ':' or '–' and no legend right under them."""
    found = []
    for h in demo.handouts:
        for table, after in zip(h.page.tables, h.page.after_table, strict=True):
            cells = {cell for row in table[1:] for cell in row}
            if cells & {":", "–"} and not any("«:»" in text and "«–»" in text for text in after):
                found.append(f"{h.label}: no legend under the table {table[0]}")
    return found


def _report(problems: list[str], what: str) -> str:
    return f"{len(problems)} {what}:\n" + "\n".join(problems[:40])


# ---------------------------------------------------------------- the small demo, check by check

@pytest.fixture(scope="module")
def small(demo: Path) -> Demo:
    loaded = load_demo(demo)
    # the checks below read these tables: a handout they cannot read would pass them all
    for h in loaded.handouts:
        table = h.page.table("Kommune")
        assert table is not None, f"{h.label}: no needs table to check"
        assert any(cell == ":" for row in table[1:] for cell in row) or h.page.group_tables(), h.label
    assert any(":" in {c for t in h.page.group_tables() for row in t[1:] for c in row} for h in loaded.handouts)
    # and the kinds of contributors: told apart in some places, not in others (rule 6)
    whos = [read_who(row[t[0].index(WHO)]) for h in loaded.handouts for t in h.page.group_tables() for row in t[1:]]
    assert any(w.kinds is None and w.token != ":" for w in whos), "no number of contributors not told by kind"
    summaries = [summary_who(h.page.paragraphs) for h in loaded.handouts if h.page.group_tables()]
    assert any(w.kinds and w.kinds.get("person") for w in summaries), "no summary counts private persons"
    return loaded


def test_every_printed_figure_stands_for_three_employers_and_none_dominates(small: Demo) -> None:
    problems = unsafe_figures(small)
    assert not problems, _report(problems, "figures describe too few employers or one dominant one")


def test_no_hidden_figure_can_be_worked_out_from_the_printed_ones(small: Demo) -> None:
    problems = pinned_figures(small)
    assert not problems, _report(problems, "hidden figures can be worked out exactly")


def test_hidden_groups_come_last_in_an_order_that_says_nothing_about_their_size(small: Demo) -> None:
    problems = misplaced_hidden_groups(small)
    assert not problems, _report(problems, "tables put hidden groups where their size shows")


def test_employers_are_named_only_beside_shown_groups(small: Demo) -> None:
    problems = naming_problems(small)
    assert not problems, _report(problems, "problems with names")


def test_the_legend_stands_right_under_every_table_that_hides_or_zeroes(small: Demo) -> None:
    problems = missing_legends(small)
    assert not problems, _report(problems, "tables without a legend")


# ---------------------------------------------------------------- the regional demo: every check in one test

@pytest.mark.slow
def test_the_regional_demo_passes_every_check(tmp_path_factory: pytest.TempPathFactory) -> None:
    """One test, so one worker builds the regional demo (about a minute with its 42 handouts)."""
    demo = load_demo(_demo(tmp_path_factory.mktemp("regional"), "--scale", "regional", "--seed", "1"))
    problems = {what: check(demo) for what, check in (
        ("figures describe too few employers or one dominant one", unsafe_figures),
        ("hidden figures can be worked out exactly", pinned_figures),
        ("tables put hidden groups where their size shows", misplaced_hidden_groups),
        ("problems with names", naming_problems),
        ("tables without a legend", missing_legends))}
    assert not any(problems.values()), "\n".join(_report(p, what) for what, p in problems.items() if p)
    whole = demo.handouts[0].page
    assert any("blant dem" in row[4] for table in whole.group_tables() for row in table[1:]), \
        "the regional demo should name some employers that agreed"


# ---------------------------------------------------------------- a fish farm alone, two employers together

def _org_number(first_eight: str) -> str:
    from kpdesk.common.orgnr import check_digit

    digit = check_digit(first_eight)
    assert digit is not None
    return f"{first_eight}{digit}"


LONE_TOPIC, PAIR_TOPIC, TRIO_TOPIC = ("Snøskuterføring i skredterreng", "Bryggeriteknikk og gjæringskontroll",
                                      "Isbryting med slepebåt")
LONE_WORD, PAIR_WORD, TRIO_WORD = "snøskuter", "bryggeri", "isbryting"  # in the topics, whatever words they take
NEW_NEEDS = (  # org number, name, industry, may be named, topic, persons
    (_org_number("91727001"), "Ranfjord Laks AS", "03.211", "nei", LONE_TOPIC, 173),
    (_org_number("91727002"), "Mo Bryggeri AS", "11.050", "ja", PAIR_TOPIC, 52),
    (_org_number("91727003"), "Nordlandsøl AS", "11.050", "nei", PAIR_TOPIC, 37),
    (_org_number("91727007"), "Rana Slepebåt AS", "03.211", "ja", TRIO_TOPIC, 40),
    (_org_number("91727005"), "Mo Havneservice AS", "03.211", "ja", TRIO_TOPIC, 41),
    (_org_number("91727006"), "Nordland Taubåt AS", "03.211", "nei", TRIO_TOPIC, 42),
)


def _add_employers(path: Path) -> None:
    """A fish farm alone with 173 persons on one topic, two employers with 89 persons on another, and
    three with 123 on a third (two of them may be named), all in Rana (1833) among many others."""
    from kpdesk.db.store import Store
    from kpdesk.register import service as register
    from kpdesk.register.validation import validate_employer, validate_need

    store = Store.open(path, daily_backup=False)
    try:
        with store.session() as session:
            for org, name, industry, named, title, headcount in NEW_NEEDS:
                data, problems = validate_employer({"org_number": org, "name": name, "municipality": "1833",
                                                    "industry": industry, "may_be_named": named})
                assert data is not None, problems
                register.save_employer(session, data)
                need, problems = validate_need({"employer": org, "title": title, "headcount": str(headcount),
                                                "level": "kurs"})
                assert need is not None, problems
                register.save_need(session, need)
    finally:
        store.close()


@pytest.fixture(scope="module")
def with_lone_and_pair(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = _demo(tmp_path_factory.mktemp("lone"))
    _add_employers(path)
    return path


def _pdf_text(pdf: bytes) -> str:
    import io

    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", "\n".join(page.extract_text() for page in reader.pages).replace("\u00a0", ""))


@pytest.mark.parametrize("municipalities", [(), ("1833",)], ids=["alle", "Rana"])
def test_a_lone_employer_and_a_pair_leave_no_trace_of_their_head_counts(
        with_lone_and_pair: Path, municipalities: tuple[str, ...]) -> None:
    from kpdesk.reports import handout

    data = with_session(with_lone_and_pair, lambda s: handout.load(s, handout.Scope(municipalities), AS_OF))
    text = _pdf_text(handout.build(data))
    page = printed(data)
    header = page.group_tables()[0][0]
    lines = {word: [row for table in page.group_tables() for row in table[1:] if word in squeeze(row[0])]
             for word in (LONE_WORD, PAIR_WORD, TRIO_WORD)}
    assert all(len(rows) == 1 for rows in lines.values()), f"one group per topic: {lines}"
    for word in (LONE_WORD, PAIR_WORD):
        assert leading_token(lines[word][0][header.index("Personer")]) == ":", lines[word]
        assert leading_token(lines[word][0][header.index(WHO)]) == ":", lines[word]
    figures = re.sub(r"\(om \d+ dag(er)?\)", "", text)  # "Søknadsfrist 17.02.2027 (om 37 dager)"
    figures = re.sub(r"\d+ grupper? med skjulte tall", "", figures)  # how many groups are hidden, not a head count
    for figure in ("173", "89", "52", "37"):
        assert not re.search(rf"(?<![\d.,]){figure}(?![\d.,])", figures), f"{figure} is printed"
    assert "Mo Bryggeri" not in text and "Ranfjord Laks" not in text and "Nordlandsøl" not in text
    # three employers, none dominant: shown, with the two that agreed named and the third only counted
    trio = [re.sub(r"\s+", " ", cell) for cell in lines[TRIO_WORD][0]]
    assert trio[header.index("Personer")] == "123"
    assert trio[header.index(WHO)] == "3 arbeidsgivere, blant dem Mo Havneservice AS og Rana Slepebåt AS"
    assert "Nordland Taubåt" not in text
    # nor can a total give the hidden ones away: every hidden figure keeps at least two possible values
    ranges = hidden_ranges(page, [name for _org, name, _i, named, _t, _h in NEW_NEEDS if named == "ja"])
    for word in (LONE_WORD, PAIR_WORD):
        for what in ("personer", "meldt av"):
            name = next(n for n in ranges if word in squeeze(n) and n.endswith(what))
            low, high = ranges[name]
            assert high > low, (name, low, high)
    assert all(high > low for low, high in ranges.values()), ranges
