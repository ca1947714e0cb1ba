"""Flask commands: ``flask --app wsgi <group> <command>``."""

from __future__ import annotations

import json
import sys

import click
from flask import Flask, current_app
from sqlalchemy import select

from engine.db import MigrationError, get_db
from engine.domain.exchange import Problem, Skipped
from engine.services import accounts, frameworks
from engine.services.bank_files import ItemBankError, read_bank
from engine.services.bank_loading import load_bank

DEMO_ACCOUNTS = (
    # email, name, role, password
    ("learner@example.org", "Sanne de Vries", "learner", "learner-tries-it-out"),
    ("trainer@example.org", "Karim El Amrani", "trainer", "trainer-tries-it-out"),
    ("reviewer@example.org", "Joanna Nowak", "trainer", "reviewer-tries-it-out"),
    ("officer@example.org", "Émilie Lefèvre", "officer", "officer-tries-it-out"),
    ("admin@example.org", "Admin", "admin", "admin-tries-it-out"),
)


def _migrated_session():
    db = get_db()
    try:
        db.check_migrated()
    except MigrationError as exc:
        raise click.ClickException(str(exc)) from None
    return db.session()


def _bank():
    app = current_app
    try:
        return read_bank(app.config["ITEM_BANK_PATH"], app.extensions["oe_plugins"].question_types)
    except ItemBankError as exc:
        raise click.ClickException(str(exc)) from None


def register_commands(app: Flask) -> None:
    from engine.services.keys import register_key_commands

    register_key_commands(app)

    @app.cli.group("db")
    def db_group():
        """Database schema."""

    @db_group.command("upgrade")
    def db_upgrade():
        """Migrate the database to the latest revision."""
        db = get_db()
        db.upgrade()
        click.echo(f"Database at revision {db.current_revision()}.")

    @app.cli.group("item-bank")
    def bank_group():
        """The item bank on disk."""

    @bank_group.command("validate")
    @click.option("--quiet", is_flag=True, help="Leave out the cue check.")
    def bank_validate(quiet: bool):
        """Check every framework, item, module and scheme file; list every problem, then the
        cue flags of the items and every assessment's cue score (warnings, not errors)."""
        bank = _bank()
        click.echo(f"OK: {len(bank.items)} items, {len(bank.modules)} modules, "
                   f"{len(bank.schemes)} schemes, {len(bank.frameworks)} framework(s).")
        if not quiet:
            from engine.services.integrity import bank_cue_report

            for line in bank_cue_report(bank, current_app.extensions["oe_plugins"]
                                        .question_types):
                click.echo(line)

    @bank_group.command("load")
    def bank_load():
        """Validate, then load the bank into the database (idempotent)."""
        session = _migrated_session()
        report = load_bank(session, _bank())
        for line in report.lines():
            click.echo(line)

    @bank_group.command("import")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False))
    @click.option("--format", "fmt", help="native, qti, moodle_xml or gift (default: recognised "
                  "from the file).")
    @click.option("--language", default="nl", show_default=True,
                  help="For items whose file does not say.")
    @click.option("--outcome", "outcomes", multiple=True,
                  help="Outcome code for items whose file names none (repeatable).")
    @click.option("--eqf-level", type=click.IntRange(4, 7),
                  help="EQF level for items whose file names none.")
    @click.option("--author", "author_email", required=True,
                  help="The trainer's account the drafts are written by (four eyes: another "
                       "trainer publishes them).")
    @click.option("--yes", is_flag=True, help="Import the valid items without asking.")
    def bank_import(file, fmt, language, outcomes, eqf_level, author_email, yes):
        """Read and check FILE as a whole, list every problem, then (after confirmation)
        write its valid items as drafts, with progress."""
        from pathlib import Path

        from engine.domain.exchange import ImportDefaults
        from engine.models import User
        from engine.services import exchange

        session = _migrated_session()
        plugins = current_app.extensions["oe_plugins"]
        author = session.scalar(select(User).where(User.email == author_email.lower()))
        if author is None or not author.has_role("trainer"):
            raise click.ClickException(f"No trainer account {author_email}.")
        sources = Path(current_app.config["ITEM_BANK_PATH"]) / "sources"
        with open(file, "rb") as handle:
            data = handle.read()
        try:
            job = exchange.read_import(
                session, plugins, author, data, Path(file).name, fmt=fmt,
                defaults=ImportDefaults(language=language, outcomes=tuple(outcomes),
                                        eqf_level=eqf_level), sources=sources,
                media_limit=current_app.config["MEDIA_MAX_BYTES"])
        except exchange.ExchangeError as exc:
            raise click.ClickException(str(exc)) from None
        for problem in job.problems:
            click.echo(str(Problem(**problem)), err=True)
        for skipped in job.skipped:
            click.echo(str(Skipped(**skipped)), err=True)
        counts = exchange.summary(job)
        click.echo(f"{job.format}: {len(job.items)} valid item(s) ({counts['new']} new, "
                   f"{counts['changed']} changed, {counts['unchanged']} unchanged), "
                   f"{len(job.problems)} problem(s), {len(job.skipped)} skipped.")
        if not job.total:
            exchange.cancel(session, job)
            click.echo("Nothing to import.")
            sys.exit(1 if job.problems else 0)
        if not yes and not click.confirm(f"Import {job.total} item(s) as drafts?"):
            exchange.cancel(session, job)
            click.echo("Cancelled; nothing was written.")
            sys.exit(1)
        exchange.confirm(session, job)
        with click.progressbar(length=job.total, label="Writing drafts",
                               show_pos=True) as bar:
            def advance(done: int, _total: int) -> None:
                bar.update(done - bar.pos)

            job = exchange.run_import(session, plugins, job.id, sources=sources,
                                      progress=advance)
        results = job.results
        click.echo(f"Done: {results.get('created', 0)} new item(s), {results.get('revised', 0)}"
                   f" new version(s), {results.get('failed', 0)} failed (import {job.id}).")
        if results.get("failed"):
            sys.exit(1)

    @bank_group.command("export")
    @click.argument("out", type=click.Path(dir_okay=False, writable=True))
    @click.argument("item_ids", nargs=-1)
    @click.option("--format", "fmt", default="native", show_default=True,
                  help="native, qti, moodle_xml or gift.")
    @click.option("--drafts", is_flag=True, help="Export drafts instead of published versions.")
    def bank_export(out, item_ids, fmt, drafts):
        """Write the bank's items (all, or the ones named) to OUT in a format."""
        from engine.services import exchange

        try:
            result = exchange.export(_migrated_session(), current_app.extensions["oe_plugins"],
                                     fmt, list(item_ids) or None, include_drafts=drafts)
        except exchange.ExchangeError as exc:
            raise click.ClickException(str(exc)) from None
        with open(out, "wb") as handle:
            handle.write(result.data)
        for skipped in result.skipped:
            click.echo(str(skipped), err=True)
        click.echo(f"Wrote {out} ({len(result.data):,} bytes); {len(result.skipped)} item(s) "
                   f"skipped.")

    @bank_group.command("resume-imports")
    def bank_resume_imports():
        """Finish every confirmed import that was interrupted (after a crash or a restart)."""
        from pathlib import Path

        from engine.services import exchange

        session = _migrated_session()
        sources = Path(current_app.config["ITEM_BANK_PATH"]) / "sources"
        for job in exchange.unfinished(session):
            done = exchange.run_import(session, current_app.extensions["oe_plugins"], job.id,
                                       sources=sources)
            click.echo(f"import {done.id}: {done.done} of {done.total} written")

    @bank_group.command("coverage")
    @click.argument("framework", default="ESQF")
    def bank_coverage(framework: str):
        """Print the framework grid with published items per educational cell."""
        from engine.services import coverage

        try:
            click.echo(coverage.render_text(coverage.coverage(_migrated_session(), framework)))
        except LookupError as exc:
            raise click.ClickException(str(exc)) from None

    @app.cli.group("frameworks")
    def frameworks_group():
        """Outcome frameworks."""

    @frameworks_group.command("export")
    @click.argument("code")
    def frameworks_export(code: str):
        """Write a framework as JSON to standard output, one record per cell."""
        session = _migrated_session()
        try:
            records = frameworks.export_cells(session, code)
        except LookupError as exc:
            raise click.ClickException(str(exc)) from None
        json.dump(records, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")

    @app.cli.group("qti")
    def qti_group():
        """IMS QTI 3.0 exchange (see docs/qti.md)."""

    @qti_group.command("export")
    @click.argument("out", type=click.Path(dir_okay=False, writable=True))
    @click.argument("item_ids", nargs=-1)
    def qti_export(out: str, item_ids: tuple[str, ...]):
        """Write the bank's items (all, or the ones named) as a QTI 3.0 package (the same as
        `item-bank export --format qti`)."""
        from engine.services import exchange
        from plugins.qti import QtiError

        try:
            result = exchange.export(_migrated_session(), current_app.extensions["oe_plugins"],
                                     "qti", list(item_ids) or None)
        except (exchange.ExchangeError, QtiError) as exc:
            raise click.ClickException(str(exc)) from None
        with open(out, "wb") as handle:
            handle.write(result.data)
        click.echo(f"Wrote {out}.")

    @qti_group.command("import")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False))
    @click.option("--write", "target", type=click.Path(dir_okay=False),
                  help="Write the items that were read to this YAML file of the item bank.")
    def qti_import(file: str, target: str | None):
        """Read a QTI 3.0 package (.zip) or item (.xml); list every problem."""
        import yaml

        from plugins.qti import import_package

        with open(file, "rb") as handle:
            items, problems = import_package(handle.read(), filename=file)
        for problem in problems:
            click.echo(str(problem), err=True)
        click.echo(f"Read {len(items)} items; {len(problems)} problem(s).")
        if target and items:
            with open(target, "w", encoding="utf-8") as handle:
                yaml.safe_dump({"items": items}, handle, allow_unicode=True, sort_keys=False)
            click.echo(f"Wrote them to {target}; check them with `item-bank validate`.")
        if problems:
            sys.exit(1)

    @app.cli.group("modules")
    def modules_group():
        """Modules."""

    @modules_group.command("assign")
    @click.argument("organisation")
    @click.argument("module_uid")
    def modules_assign(organisation: str, module_uid: str):
        """Enrol every learner of an organisation on a module (and those who join later)."""
        from engine.services import delivery, enrolment

        session = _migrated_session()
        module = delivery.get_module(session, module_uid)
        if module is None:
            raise click.ClickException(f"No module {module_uid!r}.")
        count = enrolment.assign_to_organisation(session, organisation, module)
        click.echo(f"{organisation}: {count} learner(s) enrolled on {module.title}.")

    @app.cli.group("attempts")
    def attempts_group():
        """Attempts."""

    @attempts_group.command("close-expired")
    def attempts_close_expired():
        """Submit every attempt whose time is over (pages do this too; run it from cron)."""
        from engine.services import delivery

        closed = delivery.close_expired(_migrated_session(), current_app.extensions["oe_plugins"])
        click.echo(f"Submitted {closed} expired attempt(s).")

    @app.cli.group("audit")
    def audit_group():
        """The certification audit log."""

    @audit_group.command("check")
    def audit_check():
        """Verify the hash chain: report changed or removed entries (exit 1 if any)."""
        from engine.services import audit

        problems = audit.check(_migrated_session())
        for problem in problems:
            click.echo(problem, err=True)
        if problems:
            sys.exit(1)
        click.echo("The audit log's hash chain is intact.")

    @app.cli.group("certificates")
    def certificates_group():
        """Certificates."""

    @certificates_group.command("expiring")
    @click.option("--days", default=60, show_default=True, type=click.IntRange(1, 3650))
    def certificates_expiring(days: int):
        """List the certificates that expire within DAYS (for reminders)."""
        from engine.services import certification

        for cert in certification.expiring(_migrated_session(), days):
            click.echo(f"{cert.expires_at:%Y-%m-%d}  {cert.public_id}  {cert.user.email}  "
                       f"{cert.scheme_title}")

    @certificates_group.command("resume-batches")
    def certificates_resume():
        """Run every bulk-issue batch that did not finish (after a crash or a restart)."""
        from engine.services import batches

        session = _migrated_session()
        for batch in batches.unfinished(session):
            done = batches.run_batch(session, batch.id)
            click.echo(f"batch {done.id}: {done.issued} issued, {done.skipped} skipped")

    @app.cli.group("users")
    def users_group():
        """Accounts."""

    @users_group.command("create")
    @click.option("--email", required=True)
    @click.option("--name", required=True)
    @click.option("--role", type=click.Choice(["learner", "trainer", "officer", "admin"]),
                  default="learner", show_default=True)
    @click.password_option()
    def users_create(email, name, role, password):
        """Create an account."""
        session = _migrated_session()
        try:
            accounts.create_user(session, email=email, name=name, role=role, password=password)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"Created {role} {email}.")

    @app.cli.command("setup")
    @click.option("--demo/--no-demo", default=False, show_default=True,
                  help="Create the demo accounts (with published passwords: not for "
                       "production).")
    def setup(demo: bool):
        """Migrate, load the framework and the item bank, create demo accounts (idempotent)."""
        db = get_db()
        db.upgrade()
        session = db.session()
        for line in load_bank(session, _bank()).lines():
            click.echo(line)
        if demo:
            for email, name, role, password in DEMO_ACCOUNTS:
                accounts.ensure_user(session, email=email, name=name, role=role,
                                     password=password)
            click.echo("Demo accounts (email / password):")
            for email, _name, role, password in DEMO_ACCOUNTS:
                click.echo(f"  {role:<8} {email:<24} {password}")
