"""Flash question pages of a program: a mentee asks "who can help me with X this week?" and takes
one offer; the program's mentors see the questions they may answer and offer a free time.

Thin: the program is loaded with the same visibility check as its page (404 outside the
organisation); sessions.services.flash decides everything else.
"""

from __future__ import annotations

from datetime import UTC

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from mentorship.errors import form_add_domain_error
from orgs.views_programs import load_program
from sessions.errors import BookingError
from sessions.models import FlashOffer, FlashQuestion
from sessions.selectors import mentor_slots
from sessions.services import flash as services

OFFER_CHOICES = 12


class FlashQuestionForm(forms.Form):
    topic = forms.CharField(max_length=200, help_text='A few words, e.g. "Reading a P&L".')
    question = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}),
                               help_text="What you want answered this week, with the context a mentor needs.")
    duration = forms.TypedChoiceField(coerce=int, label="Length")

    def __init__(self, *args, lengths: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duration"].choices = [(n, f"{n} minutes") for n in lengths]


class OfferForm(forms.Form):
    start = forms.DateTimeField(label="Your free time")


def _free_times(mentor, questions, now) -> dict[int, list]:
    """A few free starts before each question's week ends, per question (one calendar read per
    distinct length)."""
    by_length: dict[int, list] = {}
    out = {}
    for q in questions:
        if q.duration_minutes not in by_length:
            end = max(x.expires_at for x in questions)
            try:
                by_length[q.duration_minutes] = list(mentor_slots(mentor=mentor, start=now, end=end,
                                                                  duration=q.duration_minutes, now=now))
            except BookingError:
                by_length[q.duration_minutes] = []
        out[q.pk] = [s for s in by_length[q.duration_minutes] if s < q.expires_at][:OFFER_CHOICES]
    return out


@login_required
def questions(request, slug: str, program: str):
    org, prog, _ = load_program(request, slug, program)
    if not prog.allows_flash_questions:
        raise Http404("This program takes no flash questions.")
    now = timezone.now()
    status = 200
    if request.method == "POST":
        form = FlashQuestionForm(request.POST, lengths=prog.session_lengths)
        if form.is_valid():
            v = form.cleaned_data
            try:
                services.flash_question_post(program=prog, mentee=request.user, topic=v["topic"],
                                             question=v["question"], duration=v["duration"])
            except BookingError as exc:
                form_add_domain_error(form, exc)
            else:
                messages.success(request, "Your question is posted to the program's mentors until the end of the week.")
                return redirect("orgs:program_questions", slug=org.slug, program=prog.slug)
        status = 400
    else:
        form = FlashQuestionForm(lengths=prog.session_lengths, initial={"duration": prog.session_lengths[0]})
    mine = (FlashQuestion.objects.filter(program=prog, mentee_id=request.user.pk, status=FlashQuestion.Status.OPEN)
            .prefetch_related("offers__mentor").first())
    offers = [o for o in mine.offers.all() if o.status == FlashOffer.Status.OFFERED] if mine else []
    to_answer = services.flash_questions_for_mentor(program=prog, mentor=request.user, now=now)
    free = _free_times(request.user, to_answer, now) if to_answer else {}
    for q in to_answer:
        q.free_times = [(s.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), s) for s in free.get(q.pk, [])]
    return render(request, "orgs/programs/questions.html", {
        "org": org, "program": prog, "form": form, "mine": mine, "offers": offers, "to_answer": to_answer,
    }, status=status)


def _question(prog, pk: int) -> FlashQuestion:
    question = FlashQuestion.objects.select_related("program__organisation").filter(program=prog, pk=pk).first()
    if question is None:
        raise Http404("No such question.")
    return question


def _back(request, org, prog, call, success: str):
    try:
        call()
    except BookingError as exc:
        if exc.status == 404:
            raise Http404(exc.message)
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect("orgs:program_questions", slug=org.slug, program=prog.slug)


@login_required
@require_POST
def question_withdraw(request, slug: str, program: str, question: int):
    org, prog, _ = load_program(request, slug, program)
    q = _question(prog, question)
    if q.mentee_id != request.user.pk:
        raise Http404("No such question.")
    return _back(request, org, prog, lambda: services.flash_question_withdraw(question=q, mentee=request.user),
                 "Your question is withdrawn; the mentors who offered a time were told.")


@login_required
@require_POST
def question_offer(request, slug: str, program: str, question: int):
    org, prog, _ = load_program(request, slug, program)
    q = _question(prog, question)
    form = OfferForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of your free times.")
        return redirect("orgs:program_questions", slug=org.slug, program=prog.slug)
    return _back(request, org, prog,
                 lambda: services.flash_offer_create(question=q, mentor=request.user, start=form.cleaned_data["start"]),
                 "Your offer is sent; the mentee will choose among the offers.")


@login_required
@require_POST
def offer_accept(request, slug: str, program: str, question: int, offer: int):
    org, prog, _ = load_program(request, slug, program)
    q = _question(prog, question)
    found = FlashOffer.objects.filter(question=q, pk=offer).first()
    if found is None or q.mentee_id != request.user.pk:
        raise Http404("No such offer.")
    try:
        booking = services.flash_offer_accept(offer=found, mentee=request.user)
    except BookingError as exc:
        messages.error(request, exc.message)
        return redirect("orgs:program_questions", slug=org.slug, program=prog.slug)
    messages.success(request, "Booked. The other mentors were told that you chose another time.")
    return redirect("booking:detail", pk=booking.pk)
