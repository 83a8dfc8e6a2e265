"""Forms for the program pages. They parse; orgs.services.programs decides what is allowed."""

from __future__ import annotations

from django import forms
from django.conf import settings

from orgs.models import Department, Level, Organisation, Program, ProgramEnrollment
from orgs.services.programs import ProgramData


class DateInput(forms.DateInput):
    input_type = "date"


class ProgramForm(forms.Form):
    name = forms.CharField(max_length=200)
    purpose = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="What the program is for, in a sentence or two; members read it first.")
    starts_on = forms.DateField(label="First day", widget=DateInput)
    ends_on = forms.DateField(label="Last day", widget=DateInput)
    session_lengths = forms.TypedMultipleChoiceField(
        coerce=int, widget=forms.CheckboxSelectMultiple, label="Session lengths allowed",
        choices=[(n, f"{n} minutes") for n in settings.SESSION_LENGTHS])
    mentee_departments = forms.ModelMultipleChoiceField(
        queryset=Department.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        label="Mentees from these departments", help_text="None ticked: every department.")
    mentee_levels = forms.ModelMultipleChoiceField(
        queryset=Level.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        label="Mentees at these levels", help_text="None ticked: every level.")
    mentee_invitation_only = forms.BooleanField(required=False, label="Mentees by invitation only")
    mentor_departments = forms.ModelMultipleChoiceField(
        queryset=Department.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        label="Mentors from these departments", help_text="None ticked: every department.")
    mentor_levels = forms.ModelMultipleChoiceField(
        queryset=Level.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        label="Mentors at these levels", help_text="None ticked: every level.")
    mentor_invitation_only = forms.BooleanField(required=False, label="Mentors by invitation only")
    mentee_quota_per_month = forms.IntegerField(
        required=False, label="Sessions per mentee per month", help_text="Empty: no limit.")
    mentor_capacity = forms.IntegerField(required=False, label="Mentor capacity per week",
                                         help_text="On top of each mentor's own weekly limits. Empty: no limit.")
    mentor_capacity_unit = forms.ChoiceField(choices=Program.CapacityUnit.choices, label="Capacity counted in")
    department_rule = forms.ChoiceField(choices=Program.DepartmentRule.choices, widget=forms.RadioSelect,
                                        label="Departments")
    min_level_gap = forms.IntegerField(required=False, label="Minimum level gap",
                                       help_text="Mentor at least this many levels above the mentee. Empty: no rule.")
    require_shared_language = forms.BooleanField(required=False, label="Require a shared language")
    allows_flash_questions = forms.BooleanField(
        required=False, label="Allow flash questions",
        help_text='A mentee may post one open question ("who can help me with X this week?") to the mentors.')

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("mentee_departments", "mentor_departments"):
            self.fields[name].queryset = organisation.departments.all()
        for name in ("mentee_levels", "mentor_levels"):
            self.fields[name].queryset = organisation.levels.all()

    @staticmethod
    def initial_of(program: Program | None) -> dict:
        if program is None:
            return {"session_lengths": [30], "department_rule": Program.DepartmentRule.PREFER_OTHER,
                    "mentor_capacity_unit": Program.CapacityUnit.SESSIONS}
        data = ProgramData.of(program)
        return {
            "name": data.name, "purpose": data.purpose, "starts_on": data.starts_on, "ends_on": data.ends_on,
            "session_lengths": list(data.session_lengths), "mentee_departments": list(data.mentee_department_ids),
            "mentee_levels": list(data.mentee_level_ids), "mentee_invitation_only": data.mentee_invitation_only,
            "mentor_departments": list(data.mentor_department_ids), "mentor_levels": list(data.mentor_level_ids),
            "mentor_invitation_only": data.mentor_invitation_only,
            "mentee_quota_per_month": data.mentee_quota_per_month, "mentor_capacity": data.mentor_capacity,
            "mentor_capacity_unit": data.mentor_capacity_unit, "department_rule": data.department_rule,
            "min_level_gap": data.min_level_gap, "require_shared_language": data.require_shared_language,
            "allows_flash_questions": data.allows_flash_questions,
        }

    def to_data(self) -> ProgramData:
        v = self.cleaned_data
        return ProgramData(
            name=v["name"], purpose=v["purpose"], starts_on=v["starts_on"], ends_on=v["ends_on"],
            session_lengths=tuple(v["session_lengths"]),
            mentee_department_ids=tuple(d.pk for d in v["mentee_departments"]),
            mentee_level_ids=tuple(lv.pk for lv in v["mentee_levels"]),
            mentee_invitation_only=v["mentee_invitation_only"],
            mentor_department_ids=tuple(d.pk for d in v["mentor_departments"]),
            mentor_level_ids=tuple(lv.pk for lv in v["mentor_levels"]),
            mentor_invitation_only=v["mentor_invitation_only"],
            mentee_quota_per_month=v["mentee_quota_per_month"], mentor_capacity=v["mentor_capacity"],
            mentor_capacity_unit=v["mentor_capacity_unit"], department_rule=v["department_rule"],
            min_level_gap=v["min_level_gap"], require_shared_language=v["require_shared_language"],
            allows_flash_questions=v["allows_flash_questions"],
        )


class SideForm(forms.Form):
    side = forms.ChoiceField(choices=ProgramEnrollment.Side.choices)


class EnrolForm(forms.Form):
    email = forms.EmailField(label="Member's email address")
    side = forms.ChoiceField(choices=ProgramEnrollment.Side.choices, widget=forms.RadioSelect, label="Side")
    invite = forms.TypedChoiceField(
        coerce=lambda v: v == "1", widget=forms.RadioSelect, label="How",
        choices=[("0", "Enrol now (they take part at once)"), ("1", "Invite (they join when they choose)")])
