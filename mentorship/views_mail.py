"""Staff pages for the development mailbox (mentorship.mail_backends): what was sent, to whom,
and each message as its recipient sees it."""

from __future__ import annotations

from email.utils import parsedate_to_datetime

from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_sameorigin

from mentorship.mail_backends import mailbox_messages, mailbox_read


def _staff_or_404(view):
    """Anonymous visitors are asked to sign in; signed-in people who are not staff get a 404."""

    protected = staff_member_required(view, login_url="account_login")

    def wrapper(request: HttpRequest, *args, **kwargs):
        if request.user.is_authenticated and not request.user.is_staff:
            raise Http404
        return protected(request, *args, **kwargs)

    return wrapper


def _summary(name: str, message) -> dict:
    date = message["Date"]
    return {"name": name, "to": message["To"], "subject": message["Subject"],
            "sent_at": parsedate_to_datetime(date) if date else None}


@_staff_or_404
def mail_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(mailbox_messages(), 25).get_page(request.GET.get("page"))
    rows = [_summary(path.name, mailbox_read(path.name)) for path in page.object_list]
    return render(request, "staff/mail_list.html", {"page": page, "rows": rows})


@_staff_or_404
def mail_detail(request: HttpRequest, name: str) -> HttpResponse:
    message = mailbox_read(name)
    if message is None:
        raise Http404
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    attachments = [part.get_filename() for part in message.iter_attachments()]
    return render(request, "staff/mail_detail.html", {
        "message": _summary(name, message), "from": message["From"],
        "text": text.get_content() if text else "", "has_html": html is not None, "attachments": attachments,
    })


@_staff_or_404
@xframe_options_sameorigin
def mail_html(request: HttpRequest, name: str) -> HttpResponse:
    """The HTML part alone, for the sandboxed frame: no scripts, no requests to other hosts."""
    message = mailbox_read(name)
    html = message.get_body(preferencelist=("html",)) if message else None
    if html is None:
        raise Http404
    response = HttpResponse(html.get_content(), content_type="text/html; charset=utf-8")
    # Its own policy, which the site-wide middleware leaves alone: emails need inline styles, the
    # sandbox runs nothing, and only our own mail page may frame it.
    response["Content-Security-Policy"] = ("default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; "
                                           "frame-ancestors 'self'; sandbox")
    return response
