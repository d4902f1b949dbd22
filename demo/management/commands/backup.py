import shutil
import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mentorship.backups import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the database named by DATABASE_URL to FILE ('-': to standard output): pg_dump's "
        "custom format on PostgreSQL, a consistent copy of the file on SQLite (README, 'Backup and "
        "restore')."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            if file != "-":
                backup(Path(file))
                self.stdout.write(
                    self.style.SUCCESS(f"Backed up to {file} ({Path(file).stat().st_size:,} bytes).")
                )
                return
            # Through a file: pg_dump's custom format is written whole before anything is sent on.
            with tempfile.TemporaryDirectory(prefix="backup-") as folder:
                path = Path(folder) / "backup"
                backup(path)
                with path.open("rb") as dump:
                    shutil.copyfileobj(dump, sys.stdout.buffer)
                sys.stdout.buffer.flush()
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
