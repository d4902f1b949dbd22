from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from mentorship.forms import BoundedForm, BoundedModelForm

from .models import MAX_CHECKLIST, MAX_CHOICES, MAX_LINKS, MAX_QUESTIONS, TrainingModule


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def links_to_text(links) -> str:
    return "\n".join(f"{link['label']} | {link['url']}" for link in links)


def questions_to_text(questions) -> str:
    blocks = []
    for q in questions:
        choices = [("* " if i == q["answer"] else "- ") + c for i, c in enumerate(q["choices"])]
        blocks.append("\n".join([q["text"], *choices]))
    return "\n\n".join(blocks)


def parse_links(text: str) -> list[dict]:
    links = []
    for n, line in enumerate(_lines(text), start=1):
        label, bar, url = line.rpartition("|")
        label, url = label.strip(), url.strip()
        if not bar or not label:
            raise ValidationError(
                _("Line %(n)d: write a label, a bar and the address: Label | https://…") % {"n": n}
            )
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise ValidationError(
                _("Line %(n)d: the address must start with http:// or https://.") % {"n": n}
            ) from None
        if len(label) > 150 or len(url) > 500:
            raise ValidationError(_("Line %(n)d is too long.") % {"n": n})
        links.append({"label": label, "url": url})
    if len(links) > MAX_LINKS:
        raise ValidationError(_("At most %(n)d links.") % {"n": MAX_LINKS})
    return links


def parse_checklist(text: str) -> list[str]:
    items = [line.removeprefix("- ").strip() for line in _lines(text)]
    if len(items) > MAX_CHECKLIST:
        raise ValidationError(_("At most %(n)d checklist items.") % {"n": MAX_CHECKLIST})
    if any(len(item) > 300 for item in items):
        raise ValidationError(_("Keep each checklist item under 300 characters."))
    return [item for item in items if item]


def parse_questions(text: str) -> list[dict]:
    """Questions separated by a blank line: the question's line, then one line per choice starting
    with "- ", the right one with "* "."""
    questions = []
    blocks = [block for block in text.replace("\r\n", "\n").split("\n\n") if block.strip()]
    for n, block in enumerate(blocks, start=1):
        lines = _lines(block)
        question, choices, answer = lines[0], [], None
        for line in lines[1:]:
            if line[:1] not in "-*" or not line[1:].strip():
                raise ValidationError(
                    _("Question %(n)d: start each choice with “- ”, and the right one with “* ”.") % {"n": n}
                )
            if line[0] == "*":
                if answer is not None:
                    raise ValidationError(_("Question %(n)d: mark only one right answer.") % {"n": n})
                answer = len(choices)
            choices.append(line[1:].strip())
        if not 2 <= len(choices) <= MAX_CHOICES:
            raise ValidationError(
                _("Question %(n)d: give between 2 and %(c)d choices.") % {"n": n, "c": MAX_CHOICES}
            )
        if answer is None:
            raise ValidationError(_("Question %(n)d: mark the right answer with “* ”.") % {"n": n})
        if len(question) > 300 or any(len(c) > 200 for c in choices):
            raise ValidationError(_("Question %(n)d is too long.") % {"n": n})
        questions.append({"text": question, "choices": choices, "answer": answer})
    if len(questions) > MAX_QUESTIONS:
        raise ValidationError(_("At most %(n)d questions.") % {"n": MAX_QUESTIONS})
    return questions


class ModuleForm(BoundedModelForm):
    links_text = forms.CharField(
        label=_("Links"),
        required=False,
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: Label | https://…"),
    )
    checklist_text = forms.CharField(
        label=_("Checklist"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One item per line. People tick every item to finish the module."),
    )
    questions_text = forms.CharField(
        label=_("Questions"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "A blank line between questions. The question on its first line, then one choice per line "
            "starting with “- ”; start the right answer with “* ”. All must be answered right to finish."
        ),
    )

    class Meta:
        model = TrainingModule
        fields = ["title", "audience", "requirement", "summary", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 14}), "summary": forms.TextInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].max_length = 20000
        self.fields["body"].widget.attrs["maxlength"] = "20000"
        if not self.is_bound and self.instance.pk:
            self.initial["links_text"] = links_to_text(self.instance.links)
            self.initial["checklist_text"] = "\n".join(self.instance.checklist)
            self.initial["questions_text"] = questions_to_text(self.instance.questions)

    def clean_links_text(self):
        return parse_links(self.cleaned_data["links_text"])

    def clean_checklist_text(self):
        return parse_checklist(self.cleaned_data["checklist_text"])

    def clean_questions_text(self):
        return parse_questions(self.cleaned_data["questions_text"])

    def save(self, commit=False):
        module = super().save(commit=False)
        module.links = self.cleaned_data["links_text"]
        module.checklist = self.cleaned_data["checklist_text"]
        module.questions = self.cleaned_data["questions_text"]
        return module


class CompleteForm(BoundedForm):
    """A module's checklist and questions. Wrong answers are refused by `services.module_complete`,
    which says which; the choices stay as they were."""

    def __init__(self, *args, module: TrainingModule, **kwargs):
        super().__init__(*args, **kwargs)
        self.module = module
        if module.checklist:
            self.fields["checklist"] = forms.TypedMultipleChoiceField(
                label=_("Checklist"),
                choices=list(enumerate(module.checklist)),
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
            )
        for i, question in enumerate(module.questions):
            self.fields[f"q{i}"] = forms.TypedChoiceField(
                label=question["text"],
                choices=list(enumerate(question["choices"])),
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            )

    def ticked(self) -> list[int]:
        return self.cleaned_data.get("checklist") or []

    def answers(self) -> dict[int, int | None]:
        return {i: self.cleaned_data.get(f"q{i}") for i in range(len(self.module.questions))}

    def show_problems(self, error: ValidationError) -> None:
        """The service's refusal, each message on its field (a question's index, or "checklist")."""
        for key, messages in error.message_dict.items():
            field = key if key == "checklist" else f"q{key}"
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
