"""Building helpdesk exports for the KPI import tests."""

from django.core.files.uploadedfile import SimpleUploadedFile

HEADER = "Agent email,Month,CSAT %,First reply time (min),Full resolution time,Solved tickets,QA score"


def csv_text(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def upload(text: str | bytes, name: str = "kpis.csv") -> SimpleUploadedFile:
    data = text.encode() if isinstance(text, str) else text
    return SimpleUploadedFile(name, data, content_type="text/csv")
