"""`socialpolicy-bot`: run the bot, or ask the policy a question offline."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.app import teams_package
from bot.app.settings import (
    CoreSettings,
    Settings,
    SettingsError,
    StartupError,
    TeamsAppSettings,
    load_settings,
)
from bot.app.teams_package import ManifestError
from bot.clock import SystemClock
from bot.policy.loader import PolicyLoadError, default_policy_path, load_policies
from bot.policy.search import Answer
from bot.policy.service import PolicyService
from store import tenancy
from store.db import (
    DatabaseUnavailable,
    make_engine,
    make_session_factory,
    migrate,
    read_scope,
    session_scope,
)
from store.models import School
from store.tenancy import FIRST_SCHOOL

EXIT_CONFIG = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="socialpolicy-bot", description="The school's social networking policy, in Slack."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="start the bot (Socket Mode or HTTP)")
    ask = commands.add_parser("ask", help="answer a question from the policy, offline")
    ask.add_argument("--policy", type=Path, help="policy file or folder (default POLICY_PATH)")
    ask.add_argument("--json", action="store_true", help="print the answer as JSON")
    ask.add_argument("question", nargs="+")
    export = commands.add_parser(
        "export-case", help="write one incident case and its audit trail as JSON (SLT use)"
    )
    export.add_argument("reference", help="the case reference, e.g. INC-2026-0001")
    _school_option(export)
    subject = commands.add_parser(
        "export", help="write everything held about one person as JSON (subject-access request)"
    )
    subject.add_argument("--user", required=True, help="Slack user id or Teams Entra object id")
    _school_option(subject)
    verify = commands.add_parser(
        "verify-audit", help="recompute the audit trail's hash chain and say if it was changed"
    )
    verify.add_argument("--school", type=int, help="one school's id (default: every school)")
    schools = commands.add_parser(
        "schools", help="list the schools this deployment serves, or name one and its trust"
    )
    schools.add_argument("--school", type=int, help="the school to change (its id)")
    schools.add_argument("--name", help="the school's name")
    schools.add_argument("--trust", help="the trust it belongs to ('' for none)")
    schools.add_argument(
        "--trust-hub",
        choices=("yes", "no"),
        help="whether the school's weekly digest also shows every school of its trust",
    )
    schools.add_argument(
        "--teams-tenant",
        help="the Microsoft Entra tenant whose Teams is this school's too (before its first use)",
    )
    trust = commands.add_parser(
        "trust-digest", help="the last seven days' figures of each school in a trust"
    )
    trust.add_argument("trust", help="the trust's name, as set with `schools --trust`")
    package = commands.add_parser(
        "teams-package", help="zip teams/manifest.json and icons with TEAMS_APP_ID for upload"
    )
    package.add_argument("--out", type=Path, default=Path("socialpolicy-bot-teams.zip"))
    return parser


def _school_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--school", type=int, default=FIRST_SCHOOL, help="the school's id (see `schools`)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "ask":
            return _ask(args)
        if args.command == "export-case":
            with tenancy.scope(args.school):
                return _export_case(args.reference)
        if args.command == "export":
            with tenancy.scope(args.school):
                return _export_user(args.user)
        if args.command == "schools":
            return _schools(
                args.school,
                name=args.name,
                trust=args.trust,
                hub=None if args.trust_hub is None else args.trust_hub == "yes",
                tenant=args.teams_tenant,
            )
        if args.command == "trust-digest":
            return _trust_digest(args.trust)
        if args.command == "teams-package":
            return _teams_package(args.out)
        if args.command == "verify-audit":
            return _verify_every_audit(args.school)
        return _run()
    except (
        SettingsError,
        PolicyLoadError,
        DatabaseUnavailable,
        ManifestError,
        StartupError,
    ) as error:
        print(f"socialpolicy-bot: {error}", file=sys.stderr)
        return EXIT_CONFIG


def _run() -> int:
    settings = load_settings(Settings)  # before the heavy imports, so a bad setting is quick
    from bot.app import startup

    configure_logging(settings.log_level)
    if settings.slt_channel is None:
        logging.getLogger(__name__).warning(
            "SLT_CHANNEL is not set: questions cannot be passed on to SLT"
        )
    startup.serve(startup.build(settings))
    return 0


# Loggers that would show request and response bodies (messages, form submissions holding an
# incident's details) or SQL at DEBUG. They stay at INFO or above whatever LOG_LEVEL says.
QUIET_LOGGERS = {
    "slack_sdk": logging.INFO,
    "slack_bolt": logging.INFO,
    "microsoft_teams": logging.INFO,
    # The Teams SDK copies this logger's own level onto "httpx" whenever it makes a client.
    "microsoft_teams.common.http.client": logging.INFO,
    "httpx": logging.INFO,
    "httpcore": logging.INFO,
    "urllib3": logging.INFO,
    # At INFO SQLAlchemy echoes every statement (its values are hidden: `hide_parameters`).
    "sqlalchemy.engine": logging.WARNING,
    "bm25s": logging.WARNING,  # it logs every index build at DEBUG
}


def configure_logging(level: str | int) -> None:
    """Log at `level`, except for the libraries that would log personal data below INFO."""
    numeric = logging.getLevelName(level) if isinstance(level, str) else level
    logging.basicConfig(level=numeric, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger().setLevel(numeric)
    for name, floor in QUIET_LOGGERS.items():
        logging.getLogger(name).setLevel(max(floor, numeric))


def _ask(args: argparse.Namespace) -> int:
    path = args.policy or load_settings(CoreSettings).policy_path or default_policy_path()
    service = PolicyService(load_policies(path))
    asked = service.ask(" ".join(args.question))
    if args.json:
        print(json.dumps(_as_json(asked.answer), ensure_ascii=False, indent=2))
    else:
        print(_as_text(asked.answer, service.version))
    return 0


def _database() -> sessionmaker[Session]:
    engine = make_engine(load_settings(CoreSettings).database_url)
    migrate(engine)
    return make_session_factory(engine)


def _export_user(user: str) -> int:
    """Everything held about one person, as JSON on standard output."""
    from bot.retention.subject_access import export_user

    with session_scope(_database()) as session:
        print(json.dumps(export_user(session, user_id=user.strip()), ensure_ascii=False, indent=2))
    return 0


def _export_case(reference: str) -> int:
    """For a subject-access request or a transfer: the case, its details and its audit trail.
    It holds personal data: write it somewhere only SLT can read."""
    from bot.incidents.service import export

    with session_scope(_database()) as session:
        case = export(session, reference=reference.strip().upper())
    if case is None:
        print(f"socialpolicy-bot: no case {reference}", file=sys.stderr)
        return 1
    print(json.dumps(case, ensure_ascii=False, indent=2))
    return 0


def _verify_every_audit(only: int | None) -> int:
    """Each school's trail is a chain of its own: every school's is checked, or just one."""
    sessions = _database()
    with read_scope(sessions) as session:
        named = {s.id: s.name for s in session.scalars(select(School).order_by(School.id))}
    chosen = [only] if only is not None else list(named)
    worst = 0
    for school in chosen:
        if len(named) > 1:
            print(f"school {school} ({named.get(school, 'unknown')}):")
        with tenancy.scope(school):
            worst = max(worst, _verify_audit())
    return worst


def _schools(
    school: int | None,
    *,
    name: str | None,
    trust: str | None,
    hub: bool | None,
    tenant: str | None,
) -> int:
    """List the schools, or change one's name or trust, or give a school that uses Slack its
    Teams tenant too (before the tenant's first activity would make it a school of its own)."""
    sessions = _database()
    if school is not None and any(v is not None for v in (name, trust, hub, tenant)):
        with session_scope(sessions) as session:
            row = session.get(School, school)
            if row is None:
                print(f"socialpolicy-bot: no school {school}", file=sys.stderr)
                return 1
            if name is not None and name.strip():
                row.name = name.strip()[:200]
            if trust is not None:
                row.trust = trust.strip()[:200] or None
            if hub is not None:
                row.trust_hub = hub
            if tenant is not None:
                taken = session.scalar(
                    select(School.id).where(School.teams_tenant == tenant.strip().lower())
                )
                if taken not in (None, school):
                    print(
                        f"socialpolicy-bot: tenant {tenant.strip()} is already school {taken}'s",
                        file=sys.stderr,
                    )
                    return 1
                row.teams_tenant = tenant.strip().lower() or None
    with read_scope(sessions) as session:
        for row in session.scalars(select(School).order_by(School.id)):
            where = ", ".join(
                part
                for part in (
                    row.slack_workspace and f"Slack {row.slack_workspace}",
                    row.teams_tenant and f"Teams {row.teams_tenant}",
                    row.trust and f"trust {row.trust}" + (" (its hub)" if row.trust_hub else ""),
                    row.uninstalled_at and "uninstalled",
                )
                if part
            )
            print(f"{row.id}\t{row.name}\t{where}")
    return 0


def _trust_digest(trust: str) -> int:
    """The last seven days, a line per school: for the trust's leaders, figures only."""
    from bot.schools.trust import trust_week

    now = SystemClock().now()
    weeks = trust_week(_database(), trust=trust, start=now - timedelta(days=7), end=now, now=now)
    if not weeks:
        print(f"socialpolicy-bot: no school is in trust {trust!r}", file=sys.stderr)
        return 1
    print("school\tcomments\tanswered in 24 h\tbreaches\tcases opened\tcases closed")
    for week in weeks:
        f = week.figures
        print(
            f"{week.name}\t{f.comments_logged}\t{f.answered_in_time}\t{f.breaches}\t"
            f"{sum(f.incidents_opened.values())}\t{sum(f.incidents_closed.values())}"
        )
    return 0


def _verify_audit() -> int:
    """Recompute the audit trail's hash chain: 0 if it is whole, 1 at the first broken link."""
    from bot.incidents.audit import verify
    from bot.setup.service import verify as verify_settings

    zone = load_settings(CoreSettings).zone
    with session_scope(_database()) as session:
        verdict = verify(session)
        settings = verify_settings(session)
    if settings.broken is not None:
        print(
            f"settings change {settings.broken} does not match: the record of settings and "
            "policy changes was changed at or before it"
        )
        return 1
    broken = verdict.broken
    if broken is None:
        print(f"audit trail intact: {verdict.entries} entries")
        print(f"latest digest: {verdict.head or '(none)'}")
        print(f"settings and policy changes intact: {settings.entries}")
        return 0
    if broken.removed_from_end:
        where = (
            f"after entry {broken.entry} ({broken.reference}, {_when(broken.at, zone)})"
            if broken.entry
            else "from an empty table"
        )
        written = verdict.entries + broken.removed_from_end
        print(
            f"entries are missing {where}: {written} were written and {verdict.entries} are "
            "left; the trail was cut short"
        )
        return 1
    print(
        f"entry {broken.entry} ({broken.reference}, {_when(broken.at, zone)}) does not match: "
        "the trail was changed at or before it"
    )
    return 1


def _when(at: datetime, zone: ZoneInfo) -> str:
    return at.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def _teams_package(out: Path) -> int:
    app_id = load_settings(TeamsAppSettings).teams_app_id
    print(f"wrote {teams_package.build(app_id, out)}: upload it in Teams (Apps → Manage your apps)")
    return 0


def _as_json(answer: Answer) -> dict[str, object]:
    return {
        "question": answer.question,
        "confident": answer.confident,
        "results": [
            {
                "heading_path": list(h.section.path),
                "text": h.passage.text,
                "score": round(h.score, 4),
            }
            for h in answer.hits
        ],
    }


def _as_text(answer: Answer, version: str) -> str:
    if not answer.hits:
        lines = ["I couldn't find this in the policy."]
    elif answer.confident:
        lines = []
    else:
        lines = ["Not sure the policy answers this exactly. The closest passages:"]
    for hit in answer.hits:
        lines.append(f"[{hit.section.path_text}]")
        lines.append(f"  {hit.passage.text}")
    lines.append(f"(policy {version})")
    return "\n".join(line for line in lines if line)
