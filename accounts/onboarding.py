"""The guided start after sign-up (issue 14): roles and time zone, then a mentee's goals, then a
mentor's profile and first availability. Every step is a plain form that can be skipped; the
steps saved or skipped are kept on the user (`User.onboarding_steps`), so /welcome/ resumes at the
first step left, and the person lands on their home page when none is.
"""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import User


@dataclass(frozen=True)
class OnboardingStep:
    key: str
    title: str
    role: str  # "" for everyone, else "mentee" or "mentor"


STEPS = (
    OnboardingStep("roles", "Your roles and time zone", ""),
    OnboardingStep("goals", "What you want help with", "mentee"),
    OnboardingStep("profile", "Your mentor profile", "mentor"),
    OnboardingStep("availability", "Your first free times", "mentor"),
)
STEP_KEYS = tuple(step.key for step in STEPS)

# Shown beside the goals field: what a question that fits a 15-60 minute session looks like.
GOOD_QUESTIONS = (
    "I have a system design interview on Friday: can you review my approach to a URL shortener?",
    "My team wants to move to microservices. What should I ask before we split the monolith?",
    "I was offered a team lead role. How do I decide whether management is for me?",
    "Can you look at my portfolio's case study and tell me what a hiring manager would skip?",
)


def onboarding_steps_for(user: User) -> list[OnboardingStep]:
    """The steps that apply to this person's roles, in order."""
    return [step for step in STEPS if step.role == "" or (step.role == "mentee" and user.is_mentee)
            or (step.role == "mentor" and user.is_mentor)]


def onboarding_next_step(user: User) -> OnboardingStep | None:
    """The first applicable step neither saved nor skipped; None once the guided start is over."""
    passed = set(user.onboarding_steps or [])
    return next((step for step in onboarding_steps_for(user) if step.key not in passed), None)


def onboarding_step_get(user: User, key: str) -> OnboardingStep | None:
    """The step by its key if it applies to this person (a mentee has no availability step)."""
    return next((step for step in onboarding_steps_for(user) if step.key == key), None)
