"""Building CSV uploads for the import tests."""

from django.core.files.uploadedfile import SimpleUploadedFile

HEADER = "employee_id,name,email,team,manager_employee_id,hire_date,leave_date"


def csv_text(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def upload(text: str | bytes, name: str = "people.csv") -> SimpleUploadedFile:
    data = text.encode() if isinstance(text, str) else text
    return SimpleUploadedFile(name, data, content_type="text/csv")


def generated_rows(count: int, *, prefix: str = "E") -> list[str]:
    """`count` people in ten teams, in groups of ten: the last of each group manages the other nine,
    so every manager appears later in the file than their reports."""
    rows = []
    for n in range(count):
        manager = f"{prefix}{(n // 10) * 10 + 9}" if n % 10 != 9 else ""
        rows.append(
            f"{prefix}{n},Person {n},p{n}@example.com,Team {n % 10},{manager},2024-01-{n % 28 + 1:02d},"
        )
    return rows
