"""The closing summary of ``centinela reprocess`` (and the whole output of ``--dry-run``)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from pipeline.reprocess import ReprocessReport
from pipeline.reprocess_plan import Selection


def print_report(report: ReprocessReport, selection: Selection, console: Console) -> int:
    """Print what the run did or would do; return the exit code (0 ok, 1 not verified or
    alert emails not sent)."""
    plan = report.plan
    table = Table("platform", "source", "posts", title=f"selected: {selection.describe()}")
    for (platform, source), posts in sorted(plan.by_source().items()):
        table.add_row(platform, source, f"{posts:,}")
    table.add_row("", "total", f"{plan.selected:,}")
    console.print(table)
    console.print(
        f"{plan.source}: {plan.scanned:,} read, {len(plan.dead_letters)} unreadable\n"
        f"live index: {report.live_index or '(no alias yet)'}\n"
        f"target index: {report.target_index}  nlp_version: {report.nlp_version}",
        highlight=False, markup=False,
    )
    for note in report.notes:
        console.print(note, highlight=False, markup=False)
    if report.verification is None:
        if report.swapped:  # resumed after the swap: only the alerts were left
            _print_alerts(report, console)
            return 0 if report.alerts is None or not report.alerts.not_sent else 1
        console.print("dry run: nothing was created, written or moved", highlight=False)
        return 0
    check = report.verification
    rate = report.indexed / report.elapsed_s if report.elapsed_s else 0.0
    console.print(
        f"indexed {report.indexed:,} in {report.elapsed_s:,.1f} s ({rate:,.0f} posts/s), "
        f"{report.dead_letters} dead letters\n"
        f"verify: {check.reprocessed:,} re-processed of {check.expected:,} expected, "
        f"{check.total:,} in the new index ({check.seeded:,} copied from the live one), "
        f"{check.sampled} sampled",
        highlight=False, markup=False,
    )
    for problem in check.problems:
        console.print(f"problem: {problem}", highlight=False, markup=False)
    if not check.ok:
        console.print("alias NOT moved; fix the cause, then run again with --resume",
                      highlight=False)
        return 1
    if not report.swapped:
        console.print("verified; alias left in place (--no-swap)", highlight=False)
        return 0
    console.print(f"alias now points at {report.target_index}", highlight=False, markup=False)
    _print_alerts(report, console)
    return 0 if report.alerts is None or not report.alerts.not_sent else 1


def _print_alerts(report: ReprocessReport, console: Console) -> None:
    alerts = report.alerts
    if alerts is None:
        console.print("alerts: none sent for re-processed posts (add --alert to send them)",
                      highlight=False)
        return
    for problem in alerts.problems:
        console.print(f"alert rule {problem}", highlight=False, markup=False)
    console.print(
        f"alerts: {alerts.posts:,} re-processed posts checked against the rules, "
        f"{alerts.sent} email(s) sent, {alerts.not_sent} not sent (retried by the alerter)",
        highlight=False, markup=False)
