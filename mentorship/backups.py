"""Backing up and restoring the database named by DATABASE_URL (`manage.py backup` / `restore`).

PostgreSQL: `pg_dump --format=custom` and `pg_restore --clean --if-exists` in one transaction, so a
restore that fails half-way leaves the database as it was. The password goes to them in PGPASSWORD,
never on the command line (where `ps` shows it to every user of the machine). The client programs
must be of the server's major version or newer: PATH, else PG_BINDIR, else the newest
/usr/lib/postgresql/*/bin.

SQLite: a consistent copy through SQLite's online backup API (a plain file copy taken while a worker
writes can be torn), and restored the same way into the live file.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connection as default_connection


class BackupError(Exception):
    pass


def pg_program(name: str) -> str:
    bindir = os.environ.get("PG_BINDIR")
    if bindir and (Path(bindir) / name).exists():
        return str(Path(bindir) / name)
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda path: int(path.parts[-3])
    )
    if candidates:
        return str(candidates[-1])
    raise BackupError(
        f"{name} is not installed (the PostgreSQL client programs: apt-get install postgresql-client)"
    )


def _pg_arguments_and_env(db: dict) -> tuple[list[str], dict[str, str]]:
    arguments = []
    if db.get("HOST"):
        arguments += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        arguments += ["--port", str(db["PORT"])]
    if db.get("USER"):
        arguments += ["--username", str(db["USER"])]
    env = {**os.environ}
    env.pop("PGPASSWORD", None)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    if db.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = str(db["OPTIONS"]["sslmode"])
    return arguments, env


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603 (our arguments)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed ({result.returncode}): {result.stderr.strip()}")


def backup(path: Path, *, using=None) -> None:
    """Write the whole database (`using`, a Django connection: the default one) to `path`."""
    connection = using or default_connection
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        arguments, env = _pg_arguments_and_env(db)
        _run(
            [
                pg_program("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--file",
                str(path),
                *arguments,
                db["NAME"],
            ],
            env,
        )
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(path) as copy:
            connection.connection.backup(copy)
        copy.close()
    else:
        raise BackupError(f"no backup for the {connection.vendor} database")


def restore(path: Path, *, using=None) -> None:
    """Replace the database's contents with the backup at `path` (its tables dropped first)."""
    connection = using or default_connection
    if not path.exists():
        raise BackupError(f"no backup at {path}")
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        if not connection.in_atomic_block:
            connection.close()  # nothing of ours holds a lock on what is dropped
        arguments, env = _pg_arguments_and_env(db)
        _run(
            [
                pg_program("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                "--dbname",
                db["NAME"],
                *arguments,
                str(path),
            ],
            env,
        )
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(path) as source:
            source.backup(connection.connection)
        source.close()
    else:
        raise BackupError(f"no restore for the {connection.vendor} database")
