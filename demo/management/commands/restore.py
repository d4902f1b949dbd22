import shutil
import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mentorship.backups import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore the database named by DATABASE_URL from FILE ('-': from standard input) made by "
        "`manage.py backup`: what is there now is replaced (in one transaction on PostgreSQL). Stop "
        "the web, worker and beat first."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--noinput", action="store_false", dest="interactive", help="Do not ask first.")

    def handle(self, *args, file, interactive, **options):
        if interactive:
            if file == "-":
                raise CommandError("Reading the backup from standard input needs --noinput.")
            answer = input(f"This replaces everything in the database with {file}. Type 'yes' to go on: ")
            if answer.strip() != "yes":
                raise CommandError("Restore cancelled.")
        try:
            if file != "-":
                restore(Path(file))
            else:
                with tempfile.TemporaryDirectory(prefix="restore-") as folder:
                    path = Path(folder) / "backup"
                    with path.open("wb") as dump:
                        shutil.copyfileobj(sys.stdin.buffer, dump)
                    restore(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stderr.write(self.style.SUCCESS(f"Restored from {'standard input' if file == '-' else file}."))
