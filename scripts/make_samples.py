"""Remake the filled-in sample workbooks in samples/: python scripts/make_samples.py

Four sales teams over four quarters (2026-Q1 to 2026-Q4), one folder per quarter, the way
someone collects them at quarter end:

* New Business (new-business sales): improving, from under 30% to over 80%;
* Account Management: sandbagging, 100% or close to it every quarter;
* Sales Development: over-ambitious, 30% or less until it resets its targets in Q4;
* Customer Success: its objectives change every quarter.

At every check-in each owner gives a confidence (high, medium or low), so the calibration
has something to say: New Business is well calibrated (high when it ends green, low when red),
Account Management is sure of its easy targets, Sales Development says high and ends red
until it resets its targets in Q4, Customer Success hopes a little more than it delivers.

Then 2027-Q1, seven weeks in (As of: the Friday of week 8), made from 2026-Q4 with
``okrsheet next``: New Business and Sales Development have typed their week 3, 5 and 7
check-ins, a few key results have gone quiet (stale) and some confidences have fallen; the
Actions sheets hold priority actions, done, open and overdue. Account Management and
Customer Success have not started (the summary shows them as "-" and leaves them out of the
company mean, instead of counting 0%, but counts their stale key results and overdue actions).

The workbooks are built with ``okrsheet.write.writer.workbook_bytes`` from the data below and
in ``sample_checkins.py`` (check-ins, confidences, priority actions, a few revised targets and
a lagging key result). Then, like files that travelled by email, some are opened and saved by
LibreOffice (as .xlsx, .ods and one old Excel .xls, needs ``soffice``), and a few are edited
with openpyxl on a copy to carry messes the reader handles: an inserted column, a renamed
sheet. The XlsxWriter-made files are byte-identical on every run; the others differ only in
the save dates their programs write inside.
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

from sample_checkins import (  # scripts/sample_checkins.py
    ACTIONS,
    CONFIDENCE_STYLE,
    SO_FAR,
    check_ins_so_far,
    give_confidences,
)

from okrsheet.domain.model import Action, KeyResult, Objective, TeamQuarter
from okrsheet.domain.quarter import CHECK_IN_COLUMNS, Quarter
from okrsheet.write.writer import workbook_bytes

SAMPLES_DIR = Path(__file__).resolve().parent.parent / "samples"
QUARTERS = ("2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4")
NEXT_QUARTER = "2027-Q1"
STARTED_IN_NEXT_QUARTER = ("new-business", "sales-development")
NEXT_QUARTER_AS_OF_WEEK = 8  # As of: week 8's first day, after the week-7 check-ins

# file (relative to samples/) -> how it travelled
SAVED_BY_LIBREOFFICE_XLSX = ("2026-Q3/new-business.xlsx",)
SAVED_BY_LIBREOFFICE_ODS = ("2026-Q2/account-management.xlsx", "2026-Q4/customer-success.xlsx")
SAVED_BY_LIBREOFFICE_XLS = ("2026-Q1/sales-development.xlsx",)  # a team on the old format
INSERTED_COLUMN = "2026-Q4/account-management.xlsx"  # a "Region" column after Key result
RENAMED_SHEET = "2026-Q3/customer-success.xlsx"  # OKRs sheet renamed "Q3 OKRs"


# Public API


def team_quarters() -> dict[str, TeamQuarter]:
    """Every sample as the model: ``{"2026-Q1/new-business.xlsx": TeamQuarter, ...}``."""
    from okrsheet.domain.carryover import next_quarter

    made = {}
    for number, label in enumerate(QUARTERS):
        period = Quarter.parse(label)
        made[f"{label}/company.xlsx"] = TeamQuarter(
            team=COMPANY, quarter=label, objectives=_company(number), level="company",
            quarter_start=period.start, quarter_end=period.end, as_of=period.end)
    for slug, team, objectives_of in TEAMS:
        for number, label in enumerate(QUARTERS):
            period = Quarter.parse(label)
            made[f"{label}/{slug}.xlsx"] = tq = TeamQuarter(
                team=team, quarter=label, objectives=objectives_of(number),
                quarter_start=period.start, quarter_end=period.end, as_of=period.end)
            give_confidences(tq, CONFIDENCE_STYLE[slug][number])
        following = next_quarter(made[f"{QUARTERS[-1]}/{slug}.xlsx"])
        following.as_of = Quarter.parse(NEXT_QUARTER).week_start(NEXT_QUARTER_AS_OF_WEEK)
        if slug in STARTED_IN_NEXT_QUARTER:
            check_ins_so_far(following, SO_FAR[slug])
        following.actions = [Action(*action) for action in ACTIONS.get(slug, ())]
        made[f"{NEXT_QUARTER}/{slug}.xlsx"] = following
    _align(made)
    return made


def sample_bytes(name: str) -> bytes:
    """The workbook XlsxWriter makes for sample ``name`` (before any program touches it)."""
    team_quarter = team_quarters()[name]
    return workbook_bytes(team_quarter, today=team_quarter.as_of or team_quarter.quarter_end)


MESSES = {INSERTED_COLUMN: "_insert_column", RENAMED_SHEET: "_rename_sheet"}


def messy_sample_bytes(name: str) -> bytes:
    """The sample ``name`` after its openpyxl edit (one of :data:`MESSES`)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / Path(name).name
        path.write_bytes(sample_bytes(name))
        globals()[MESSES[name]](path)
        return path.read_bytes()


def main() -> int:
    if SAMPLES_DIR.exists():
        for old in SAMPLES_DIR.rglob("*"):
            if old.is_file() and old.suffix in (".xlsx", ".ods", ".xlsm", ".xls"):
                old.unlink()
    for name in team_quarters():
        path = SAMPLES_DIR / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(sample_bytes(name))
    for name in MESSES:
        (SAMPLES_DIR / name).write_bytes(messy_sample_bytes(name))
    _through_libreoffice(SAVED_BY_LIBREOFFICE_XLSX, "xlsx")
    _through_libreoffice(SAVED_BY_LIBREOFFICE_ODS, "ods")
    _through_libreoffice(SAVED_BY_LIBREOFFICE_XLS, "xls")
    total = sum(path.stat().st_size for path in SAMPLES_DIR.rglob("*") if path.is_file())
    print(f"wrote {len(team_quarters())} samples in {SAMPLES_DIR} ({total / 1e6:.1f} MB)")
    return 0


# Private API: the company, its alignment and two people

COMPANY = "Acme"
ORPHAN = ("2026-Q4/account-management.xlsx", 2)  # an objective aligned to nothing
DANGLING = ("2026-Q4/sales-development.xlsx", 2, "Acme/O7")  # a parent that does not exist
PEOPLE = (("2026-Q4/people/priya.xlsx", "Priya"), ("2026-Q4/people/sam.xlsx", "Sam"))


def _company(q: int) -> list[Objective]:
    """Acme's objectives: revenue, customers, a sales engine that scales."""
    return [
        Objective("Grow revenue profitably", [
            _kr("Annual recurring revenue", "CEO", "outcome", "increase", 10.0, 14.0,
                (11.2, 12.1, 13.0, 13.8)[q], "M EUR"),
            _kr("Gross margin", "CFO", "outcome", "stay above", None, 70, (71, 69, 72, 73)[q], "%"),
        ]),
        Objective("Keep and grow our customers", [
            _kr("Net revenue retention", "COO", "outcome", "increase", 100, 112,
                (103, 106, 108, 111)[q], "%"),
            _kr("Logo churn", "COO", "outcome", "decrease", 12, 6, (11, 10, 8, 7)[q], "logos"),
        ]),
        Objective("Build a sales engine that scales", [
            _kr("Qualified pipeline coverage", "CRO", "outcome", "increase", 1.5, 3.0,
                (1.8, 2.1, 2.4, 2.9)[q], "x"),
            _kr("New reps productive within 90 days", "CRO", "outcome", "increase", 20, 80,
                (30, 45, 55, 70)[q], "%"),
        ]),
    ]


def _align(made: dict[str, TeamQuarter]) -> None:
    """Each team objective supports the company objective of its place (O1, O2, O3), with
    one orphan and one dangling link left in on purpose; two people align to New Business."""
    from okrsheet.domain.alignment import parent_choices

    for name, tq in made.items():
        if tq.level != "team":
            continue
        company = made.get(f"{name.split('/')[0]}/company.xlsx")
        if company is None:  # next quarter has no company workbook yet: links carried
            continue
        tq.parent_choices = parent_choices(company)
        for index, objective in enumerate(tq.objectives):
            objective.parent = f"{COMPANY}/O{index % 3 + 1}"
    made[ORPHAN[0]].objectives[ORPHAN[1]].parent = None
    made[DANGLING[0]].objectives[DANGLING[1]].parent = DANGLING[2]
    team = made["2026-Q4/new-business.xlsx"]
    period = Quarter.parse("2026-Q4")
    for (name, person), (objective, kr_ids) in zip(PEOPLE, (
            ("Win the mid-market deals in my territory", ("O1.1", "O1.2")),
            ("Keep every forecast honest", ("O2.1", "O2.2")))):
        made[name] = TeamQuarter(
            team=person, quarter="2026-Q4", level="person", quarter_start=period.start,
            quarter_end=period.end, as_of=period.end, parent_choices=parent_choices(team),
            objectives=[Objective(objective, parent=f"New Business/{kr_ids[0].split('.')[0]}",
                                  key_results=[
                _kr(f"My share of {kr.title.lower()}", person, kr.kind, kr.type,
                    kr.start or 0, kr.target, _share(kr, share), kr.unit,
                    parent=f"New Business/{kr_id}")
                for kr_id, kr, share in zip(kr_ids, _krs_by_id(team, kr_ids), (0.8, 0.6))])])


def _share(kr: KeyResult, share: float) -> object:
    """The value ``share`` of the way from a key result's start to its target."""
    if kr.type == "milestone":
        return "done" if share >= 0.7 else "no"
    start, target = float(kr.start or 0), float(kr.target)  # type: ignore[arg-type]
    return round(start + share * (target - start), 2)


def _krs_by_id(team: TeamQuarter, ids: tuple[str, ...]) -> list[KeyResult]:
    from okrsheet.domain.alignment import key_result_ids, objective_ids

    given = key_result_ids(team, objective_ids(team.objectives))
    by_id = {given[id(kr)]: kr for kr in team.key_results if id(kr) in given}
    return [by_id[identifier] for identifier in ids]


# Private API: key results with a check-in every other week


def _kr(title, owner, kind, type_, start, target, final, unit=None, weight=None, *,
        revised=None, reason=None, lagging=False, until=13, parent=None):
    """A key result whose check-ins climb from ``start`` to ``final`` by week ``until``."""
    check_ins: dict[int, object] = {}
    for week in CHECK_IN_COLUMNS:
        if week > until:
            break
        if type_ == "milestone":
            check_ins[week] = final if week == until else "no"
        elif type_ in ("stay above", "stay below"):
            check_ins[week] = final
        else:
            value = start + (final - start) * (week - 1) / (until - 1)
            check_ins[week] = round(value, 2) if abs(target - start) < 2 else round(value)
    if until == 13:  # the last check-in is exactly the final value
        check_ins[13] = final
    return KeyResult(title=title, owner=owner, kind=kind, type=type_, start=start,
                     target=target, unit=unit, weight=weight, revised_target=revised,
                     revision_reason=reason, lagging=lagging, check_ins=check_ins, parent=parent)


def _new_business(q: int) -> list[Objective]:
    # Improving: the same objectives, a little further every quarter.
    arr = (180_000, 230_000, 300_000, 360_000)[q]
    logos = (4, 5, 7, 9)[q]
    cycle = (66, 62, 62, 58)[q]
    objectives = [
        Objective("Grow new business in the mid-market", [
            _kr("Close new ARR from mid-market logos", "Sam", "outcome", "increase",
                0, 450_000, arr, "EUR", 2),
            _kr("Win new mid-market customers", "Priya", "outcome", "increase", 0, 12, logos,
                "logos"),
            _kr("Win rate on qualified opportunities", "Sam", "outcome", "increase",
                0.18, 0.25, (0.19, 0.2, 0.22, 0.23)[q], "%"),
        ]),
        Objective("Shorten the sales cycle", [
            _kr("Median days from first meeting to signature", "Sam", "outcome", "decrease",
                74, 55, cycle, "days"),
            _kr("Standard mid-market contract agreed with Legal", "Priya", "output",
                "milestone", None, None, "done" if q >= 2 else "no"),
        ]),
        Objective("Build a pipeline we can trust", [
            _kr("Qualified pipeline created for next quarter", "Jonas", "output", "increase",
                0, 1_500_000, (300_000, 600_000, 1_100_000, 1_350_000)[q], "EUR"),
            _kr("Forecast error at quarter end", "Priya", "outcome", "stay below",
                None, 0.1, (0.18, 0.14, 0.09, 0.08)[q], "%"),
        ]),
    ]
    if q == 1:  # a revised target after a price change
        objectives[0].key_results[0].revised_target = 400_000
        objectives[0].key_results[0].revision_reason = "list prices cut 10% in May"
    if q == 2:  # deals that close only next quarter count then
        objectives[0].key_results.append(
            _kr("Multi-year deals signed (close in Q4)", "Alex", "outcome", "increase",
                0, 4, 1, "deals", lagging=True))
    return objectives


def _account_management(q: int) -> list[Objective]:
    # Sandbagging: targets set where the team already is.
    return [
        Objective("Grow our existing accounts", [
            _kr("Upsell ARR from existing accounts", "Nora", "outcome", "increase",
                0, 120_000, (130_000, 125_000, 118_000, 140_000)[q], "EUR"),
            _kr("Net revenue retention", "Nora", "outcome", "stay above",
                None, 1.0, 1.04, "%"),
        ]),
        Objective("Stay close to our top accounts", [
            _kr("Quarterly business reviews held with top-20 accounts", "Ben", "output",
                "increase", 0, 20, 20, "reviews"),
            _kr("Accounts with a named executive sponsor", "Ben", "output", "increase",
                10, 15, (16, 15, 15, 17)[q], "accounts"),
            _kr("Account plans updated in the CRM", "Nora", "input", "increase",
                0.6, 0.8, (0.85, 0.8, 0.8, 0.9)[q], "%"),
        ]),
        Objective("Make renewals predictable", [
            _kr("Renewals closed on time", "Ben", "outcome", "stay above", None, 0.95,
                (0.97, 0.96, 0.98, 0.97)[q], "%"),
            _kr("Renewal forecast submitted by week 9", "Nora", "output", "milestone",
                None, None, "done", until=9),
        ]),
    ]


def _sales_development(q: int) -> list[Objective]:
    # Over-ambitious: targets far out of reach until they are reset in Q4.
    meetings_target = (600, 650, 700, 320)[q]
    meetings = (170, 150, 180, 260)[q]
    conversion = (0.24, 0.25, 0.23, 0.3)[q]
    return [
        Objective("Fill the pipeline for account executives", [
            _kr("Qualified meetings booked", "Ines", "outcome", "increase",
                0, meetings_target, meetings, "meetings", 2),
            _kr("Pipeline sourced by SDRs", "Ines", "outcome", "increase",
                0, (3_000_000, 3_200_000, 3_500_000, 1_400_000)[q],
                (700_000, 550_000, 820_000, 980_000)[q], "EUR"),
        ]),
        Objective("Make outreach convert", [
            _kr("Meeting-to-opportunity conversion", "Leo", "outcome", "increase",
                0.2, (0.45, 0.45, 0.45, 0.34)[q], conversion, "%"),
            _kr("Reply rate on outbound sequences", "Leo", "output", "increase",
                0.03, (0.12, 0.12, 0.12, 0.07)[q], (0.04, 0.045, 0.05, 0.055)[q], "%"),
        ]),
        Objective("Ramp new SDRs quickly", [
            _kr("Days for a new SDR to a first qualified meeting", "Ines", "outcome",
                "decrease", 45, 15, (40, 41, 39, 24)[q], "days"),
            _kr("SDRs certified on the new pitch", "Leo", "output", "increase",
                0, 8, (2, 1, 2, 6)[q], "SDRs"),
        ]),
    ]


def _customer_success(q: int) -> list[Objective]:
    # The objectives change: onboarding first, then retention, then expansion, then scale.
    if q == 0:
        return [
            Objective("Onboard new customers faster", [
                _kr("Median days to first value", "Mia", "outcome", "decrease", 45, 30, 36, "days"),
                _kr("Customers live within 30 days", "Lea", "outcome", "increase",
                    0.5, 0.8, 0.62, "%"),
                _kr("Self-serve onboarding guide published", "Lea", "output", "milestone",
                    None, None, "done"),
            ]),
            Objective("Know how healthy our customers are", [
                _kr("Accounts with a health score", "Tom", "output", "increase",
                    0, 200, 150, "accounts"),
                _kr("Customer satisfaction after onboarding", "Tom", "outcome", "increase",
                    0.82, 0.9, None, "%", until=0),  # not updated yet
            ]),
            Objective("Make support answers faster", [
                _kr("Median first response time", "Lea", "outcome", "decrease", 12, 4, 8,
                    "hours"),
                _kr("Tickets answered within a day", "Lea", "outcome", "increase",
                    0.7, 0.9, 0.78, "%"),
            ]),
        ]
    if q == 1:
        return [
            Objective("Keep the customers we have", [
                _kr("Gross revenue retention", "Mia", "outcome", "stay above", None, 0.92, 0.93,
                    "%", 2),
                _kr("Reduce logo churn", "Mia", "outcome", "decrease", 14, 8, 11, "logos"),
                _kr("At-risk accounts with a recovery plan", "Tom", "output", "increase",
                    0.4, 1.0, 0.8, "%"),
            ]),
            Objective("Know how healthy our customers are", [
                _kr("Accounts with a health score", "Tom", "output", "increase",
                    150, 250, 220, "accounts"),
            ]),
        ]
    if q == 2:
        return [
            Objective("Keep the customers we have", [
                _kr("Reduce logo churn", "Mia", "outcome", "decrease", 11, 7, 9, "logos"),
                _kr("At-risk accounts with a recovery plan", "Tom", "output", "increase",
                    0.5, 1.0, 0.85, "%"),
            ]),
            Objective("Grow the accounts we serve", [
                _kr("Expansion pipeline handed to account managers", "Tom", "output", "increase",
                    0, 300_000, 160_000, "EUR", revised=250_000,
                    reason="two AMs left; fewer hand-overs"),
                _kr("Net revenue retention", "Mia", "outcome", "increase", 1.04, 1.1, 1.07, "%"),
            ]),
            Objective("Hear the customer's voice", [
                _kr("Customers interviewed", "Lea", "input", "increase", 0, 30, 21, "customers"),
                _kr("Product requests triaged within two weeks", "Tom", "outcome", "increase",
                    0.3, 0.8, 0.6, "%"),
            ]),
        ]
    return [
        Objective("Serve more customers with the same team", [
            _kr("Accounts per customer success manager", "Lea", "outcome", "increase",
                40, 60, 52, "accounts"),
            _kr("Tickets solved by the help centre", "Lea", "outcome", "increase",
                0.2, 0.4, 0.33, "%"),
            _kr("Customer community launched", "Tom", "output", "milestone", None, None, "done"),
        ]),
        Objective("Turn customers into references", [
            _kr("Published customer case studies", "Mia", "output", "increase", 0, 6, 4,
                "stories"),
            _kr("Net promoter score", "Mia", "outcome", "increase", 32, 45, 37, "points"),
        ]),
        Objective("Make onboarding self-serve", [
            _kr("Customers onboarded without a call", "Lea", "outcome", "increase",
                0.1, 0.4, 0.31, "%"),
            _kr("Onboarding videos published", "Tom", "output", "increase", 0, 10, 10, "videos"),
        ]),
    ]


TEAMS = (
    ("new-business", "New Business", _new_business),
    ("account-management", "Account Management", _account_management),
    ("sales-development", "Sales Development", _sales_development),
    ("customer-success", "Customer Success", _customer_success),
)


# Private API: how the files travelled


def _edit(path: Path, change) -> None:
    """Edit a workbook with openpyxl and save it with fixed dates and zip times."""
    import datetime as dt

    import openpyxl

    book = openpyxl.load_workbook(path)
    change(book)
    fixed = dt.datetime(2026, 1, 1)
    book.properties.created = book.properties.modified = fixed
    book.save(path)
    _fix_zip_times(path)


def _rename_sheet(path: Path) -> None:
    from okrsheet.sheet import layout

    def change(book):
        book[layout.OKRS_SHEET].title = "Q3 OKRs"
        for name in book.defined_names.values():
            name.attr_text = name.attr_text.replace(f"'{layout.OKRS_SHEET}'!", "'Q3 OKRs'!")

    _edit(path, change)


_CELL = re.compile(r"(?<![A-Za-z_$])(\$?)([A-Z]{1,3})(\$?)([0-9]+)(?![0-9(])")


def _insert_column(path: Path) -> None:
    """Insert a "Region" column after Key result, moving formulas, colours and drop-downs along
    (as Excel or LibreOffice would; openpyxl alone moves only the values)."""
    from openpyxl.formatting.formatting import ConditionalFormattingList
    from openpyxl.utils import column_index_from_string, get_column_letter

    from okrsheet.sheet import layout

    at = layout.COLUMN_INDEX["title"] + 2  # 1-based index of the new column

    def shift(text: str) -> str:
        def moved(match):
            column = column_index_from_string(match.group(2))
            if column >= at:
                column += 1
            return f"{match.group(1)}{get_column_letter(column)}{match.group(3)}{match.group(4)}"
        return _CELL.sub(moved, text)

    def change(book):
        sheet = book[layout.OKRS_SHEET]
        widths = {key: (dim.width, dim.hidden) for key, dim in sheet.column_dimensions.items()}
        rules = [(str(cf.sqref), cf.rules) for cf in sheet.conditional_formatting]
        validations = list(sheet.data_validations.dataValidation)
        sheet.insert_cols(at)
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.data_type == "f":
                    cell.value = shift(cell.value)
        sheet.conditional_formatting = ConditionalFormattingList()
        for ranges, cf_rules in rules:
            for rule in cf_rules:
                rule.formula = [shift(formula) for formula in rule.formula]
                sheet.conditional_formatting.add(shift(ranges), rule)
        for validation in validations:
            validation.sqref = type(validation.sqref)(shift(str(validation.sqref)))
        for name in book.defined_names.values():
            name.attr_text = shift(name.attr_text)
        for key, (width, hidden) in widths.items():
            new_key = get_column_letter(column_index_from_string(key) + 1) \
                if column_index_from_string(key) >= at else key
            sheet.column_dimensions[new_key].width = width
            sheet.column_dimensions[new_key].hidden = hidden
        sheet.column_dimensions[get_column_letter(at)].hidden = False
        sheet.column_dimensions[get_column_letter(at)].width = 12
        header = sheet.cell(layout.HEADER_ROW + 1, at)
        header.value = "Region"
        for offset, region in enumerate(("North", "North", "South", "South", "West")):
            sheet.cell(layout.FIRST_ROW + 1 + offset, at).value = region

    _edit(path, change)


def _fix_zip_times(path: Path) -> None:
    """Rewrite the zip with fixed times on every entry and in the properties, so the bytes
    are reproducible."""
    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info)) for info in source.infolist()]
    # openpyxl stamps the save time into the document properties; fix it too.
    entries = [(info, re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2026-01-01T00:00:00Z", data)
                if info.filename == "docProps/core.xml" else data) for info, data in entries]
    temporary = path.with_suffix(".tmp")
    with zipfile.ZipFile(temporary, "w") as target:
        for info, data in entries:
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, data)
    temporary.replace(path)


def _through_libreoffice(names: tuple[str, ...], to: str) -> None:
    from libreoffice import convert  # scripts/libreoffice.py

    with tempfile.TemporaryDirectory() as folder:
        sources = [SAMPLES_DIR / name for name in names]
        produced = convert(sources, to, folder)
        for source, made in zip(sources, produced):
            source.unlink()
            shutil.move(str(made), source.with_suffix("." + to))


if __name__ == "__main__":
    sys.exit(main())
