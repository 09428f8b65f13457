"""The one way a page changes data: GET the form, POST it to check the answers, POST again with confirm=yes to
act through the service. Violations from the service are shown next to the field they name; other domain
errors (403, 404, 409) as an error summary on the page, never a stack trace."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from litestar import Request, Response
from litestar.response import Redirect, Template

from admin_ui.date_input import PARTS as DATE_PARTS
from admin_ui.date_input import DateAnswer, read_date_from
from admin_ui.templating import long_date
from core.access import Principal
from core.errors import DomainError

Values = dict[str, Any]


@dataclass
class Field:
    name: str
    label: str
    kind: str = "text"  # text, date, number, select, radios, checkboxes, textarea
    options: list[tuple[str, str]] = field(default_factory=list)
    hint: str = ""
    required: bool = True
    width: str = "govuk-input--width-20"
    # A rule the answer must meet before the check page (a message, or None when it does), e.g. a password's length.
    check: Callable[[str], str | None] | None = None
    autocomplete: str = ""  # for a password: "current-password" where it is the one held now


@dataclass
class Action:
    title: str
    fields: list[Field]
    submit: str
    back_url: str
    caption: str = ""
    intro: str = ""
    confirm_title: str = "Check your answers"
    confirm_button: str = "Confirm"
    destructive: bool = False
    warning: str = ""
    # Rules across answers checked on the first page, e.g. a password typed twice: {field name: message}.
    check: Callable[[Values], dict[str, str]] | None = None
    # What acting would do, shown on the check page before confirming (a policy's "what if"): the template's
    # `preview`. It may refuse the answers as perform would (a DomainError), and then the form is shown again.
    preview: Callable[[Values], Awaitable[dict[str, Any]]] | None = None


Perform = Callable[[Values], Awaitable[Response[Any]]]


def _parse(action: Action, raw: dict[str, Any]) -> tuple[Values, dict[str, str]]:
    values: Values = {}
    errors: dict[str, str] = {}
    for f in action.fields:
        if f.kind == "checkboxes":
            got = raw.get(f.name, [])
            values[f.name] = [v for v in (got if isinstance(got, list) else [got]) if v]
            if f.required and not values[f.name]:
                errors[f.name] = f"Select at least one option for {f.label.lower()}."
            continue
        if f.kind == "date":
            answer = read_date_from(raw, f.name, f.label, required=f.required)
            # A refused date keeps what was typed (and which boxes were wrong) for the form shown again.
            values[f.name] = answer if answer.error else answer.value
            if answer.error:
                errors[f.name] = answer.error
            continue
        text = raw.get(f.name, "")
        text = (text[-1] if isinstance(text, list) and text else text) or ""
        text = str(text).strip()
        if not text:
            values[f.name] = None
            if f.required:
                errors[f.name] = f"Enter {f.label.lower()}." if f.kind not in ("select", "radios") \
                    else f"Select {f.label.lower()}."
            continue
        if f.kind == "number":
            try:
                values[f.name] = int(text)
            except ValueError:
                errors[f.name] = f"{f.label} must be a whole number."
                values[f.name] = text
        elif f.kind in ("select", "radios") and f.options and text not in {v for v, _ in f.options}:
            errors[f.name] = f"Select {f.label.lower()} from the list."
            values[f.name] = text
        else:
            values[f.name] = text
        if f.check is not None and f.name not in errors and isinstance(values[f.name], str):
            if message := f.check(values[f.name]):
                errors[f.name] = message
    if action.check is not None and not errors:
        errors.update(action.check(values))
    return values, errors


async def form_data(request: Request[Any, Any, Any]) -> dict[str, Any]:
    form = await request.form()
    out: dict[str, Any] = {}
    for key in form:
        got = form.getall(key)
        out[key] = got if len(got) > 1 else got[0]
    return out


def _display(f: Field, value: Any) -> str:
    if value is None or value == "" or value == []:
        return "Not given"
    labels = dict(f.options)
    if f.kind == "checkboxes":
        return ", ".join(labels.get(v, v) for v in value)
    if f.kind in ("select", "radios"):
        return labels.get(str(value), str(value))
    if f.kind == "password":
        return "(hidden)"
    if f.kind == "date" and isinstance(value, dt.date):
        return long_date(value)
    return str(value)


def _raw(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None:
        return ""
    return value


def _date_answer(value: Any) -> DateAnswer:
    return value if isinstance(value, DateAnswer) else DateAnswer.of(value if isinstance(value, dt.date) else None)


def _anchor(f: Field, value: Any) -> str:
    """Where the error summary's link goes: the field, or a date's first box in error (GOV.UK pattern)."""
    if f.kind == "date":
        return f"{f.name}-{_date_answer(value).first_bad}"
    return f.name


def render_form(viewer: Principal | None, action: Action, values: Values, errors: dict[str, str],
                summary: list[str] | None = None, status_code: int = 200, **extra: Any) -> Template:
    by_name = {f.name: f for f in action.fields}
    first = _anchor(action.fields[0], values.get(action.fields[0].name)) if action.fields else ""
    error_list = [(_anchor(by_name[name], values.get(name)) if name in by_name else first, message)
                  for name, message in errors.items()]
    for message in summary or []:
        error_list.append((first, message))
    dates = {f.name: _date_answer(values.get(f.name)) for f in action.fields if f.kind == "date"}
    secret = {f.name for f in action.fields if f.kind == "password"}  # never written back into the page
    return Template("pages/form.html", status_code=status_code, context={
        "viewer": viewer, "action": action, "dates": dates,
        "values": {k: _raw(v) for k, v in values.items() if k not in dates and k not in secret},
        "errors": {k: v for k, v in errors.items() if k in by_name}, "error_list": error_list,
        "title": action.title, "back_url": action.back_url, **extra,
    })


def violations_by_field(exc: DomainError, names: list[str]) -> tuple[dict[str, str], list[str]]:
    errors: dict[str, str] = {}
    summary: list[str] = []
    for v in exc.violations or []:
        key = (v.field or "").split(".")[0].split("[")[0]
        full = (v.field or "").replace(".", "__")
        if full in names:
            key = full
        if key in names and key not in errors:
            errors[key] = v.message
        else:
            summary.append(v.message)
    if not exc.violations:
        summary.append(exc.detail or exc.title)
    return errors, summary


async def run_action(request: Request[Any, Any, Any], viewer: Principal | None, action: Action, perform: Perform,
                     defaults: Values | None = None, **extra: Any) -> Response[Any]:
    """GET: the form. POST: check the answers, then (confirm=yes) act; violations re-render the form. A form of
    secrets alone has nothing a check page could show back, so it acts on its first POST."""
    if request.method == "GET":
        return render_form(viewer, action, defaults or {}, {}, **extra)
    raw = await form_data(request)
    values, errors = _parse(action, raw)
    if raw.get("change"):  # a Change link on the check page: the form again, with the answers given so far
        return render_form(viewer, action, values, {}, **extra)
    if errors:
        return render_form(viewer, action, values, errors, status_code=422, **extra)
    secrets_alone = bool(action.fields) and all(f.kind == "password" for f in action.fields)
    if raw.get("confirm") != "yes" and not secrets_alone:
        rows = [(f.name, f.label, _display(f, values.get(f.name))) for f in action.fields]
        hidden: list[tuple[str, str]] = []
        # A secret is never written back into the page; it is typed again on the check step instead.
        retype = [(f.name, f.label) for f in action.fields if f.kind == "password" and values.get(f.name)]
        for f in action.fields:
            value = values.get(f.name)
            if f.kind == "password":
                continue
            if f.kind == "date" and isinstance(value, dt.date):
                answer = DateAnswer.of(value)
                hidden += [(f"{f.name}-{part}", answer.part(part)) for part in DATE_PARTS]
            elif isinstance(value, list):
                hidden += [(f.name, str(v)) for v in value]
            elif value is not None:
                hidden.append((f.name, str(_raw(value))))
        try:
            preview = await action.preview(values) if action.preview is not None else None
        except DomainError as exc:
            return _refused(viewer, action, values, exc, **extra)
        return Template("pages/confirm.html", context={
            "viewer": viewer, "action": action, "rows": rows, "hidden": hidden, "retype": retype,
            "title": action.confirm_title, "preview": preview,
            "post_url": request.url.path + (f"?{request.url.query}" if request.url.query else ""), **extra,
        })
    try:
        return await perform(values)
    except DomainError as exc:
        return _refused(viewer, action, values, exc, **extra)


def _refused(viewer: Principal | None, action: Action, values: Values, exc: DomainError, **extra: Any) -> Template:
    field_errors, summary = violations_by_field(exc, [f.name for f in action.fields])
    status = exc.status if exc.status != 401 else 403
    return render_form(viewer, action, values, field_errors, summary, status_code=status, **extra)


def done(url: str, notice: str) -> Redirect:
    """303 to the page that shows the result, with the success banner's key."""
    sep = "&" if "?" in url else "?"
    return Redirect(f"{url}{sep}done={notice}", status_code=303)


def page(template: str, viewer: Principal | None, status_code: int = 200, **context: Any) -> Template:
    return Template(template, status_code=status_code, context={"viewer": viewer, **context})
