"""Codes and the words people read: the one label table.

Every code that reaches a page or an export (a plan's state, a certificate's status, a role,
...) is a member of an enum derived from :class:`Labelled`, and its label is in
:data:`LABELS`, keyed by the enum's name and the code. Pages use ``member.label`` or the
``label`` filter (in the reader's language); exports use :func:`label_id` (always Bahasa
Indonesia, the language of BKPP's spreadsheets). A test checks that every member of every
``Labelled`` enum has a label, translated.

The table names enums by their class name so that core, the lowest layer, needs no import of
the features that define them.
"""

from __future__ import annotations

import enum

from flask import Flask
from flask_babel import LazyString, force_locale
from flask_babel import lazy_gettext as _l

LABELS: dict[str, dict[str, LazyString]] = {
    # core
    "Role": {"participant": _l("Participant"), "facilitator": _l("Facilitator"),
             "admin": _l("Administrator"), "mentor": _l("Mentor"),
             "examiner": _l("Examiner")},
    "PlanPath": {"light": _l("Light: one review by the facilitator"),
                 "full": _l("Full: mentor, design seminar, milestones, report seminar")},
    "UnitType": {"opd": _l("Regional agency (OPD)"), "kecamatan": _l("Sub-district"),
                 "desa": _l("Village")},
    "AuditAction": {
        "plan.submitted": _l("Plan submitted"), "plan.review_started": _l("Review started"),
        "plan.request_revision": _l("Revision requested"), "plan.approve": _l("Plan approved"),
        "plan.grade_changed": _l("Grade changed"),
        "plan.endorse": _l("Plan endorsed by the mentor"),
        "plan.mentor_return": _l("Plan returned by the mentor"),
        "plan.send_to_seminar": _l("Plan sent to the design seminar"),
        "plan.submit_report": _l("Implementation report submitted"),
        "seminar.scheduled": _l("Seminar scheduled"), "seminar.scored": _l("Seminar score given"),
        "seminar.moderation": _l("Seminar scores sent to moderation"),
        "seminar.resolved": _l("Moderation resolved"), "seminar.graded": _l("Seminar graded"),
        "milestone.reported": _l("Milestone reported"),
        "milestone.confirmed": _l("Milestone confirmed"),
        "milestone.returned": _l("Milestone returned"),
        "follow_up.submitted": _l("Follow-up check-in"),
        "cohort.examiners_changed": _l("Examiners changed"),
        "enrolment.mentor_linked": _l("Mentor linked"),
        "certificate.issued": _l("Certificate issued"),
        "certificate.reissued": _l("Certificate re-issued"),
        "certificate.revoked": _l("Certificate revoked"),
        "cohort.created": _l("Cohort created"), "cohort.changed": _l("Cohort changed"),
        "cohort.closed": _l("Cohort closed"), "cohort.reopened": _l("Cohort reopened"),
        "enrolment.enrol": _l("Enrolled"), "enrolment.unenrol": _l("Unenrolled"),
        "user.created": _l("Account created"), "user.deactivated": _l("Account deactivated"),
        "user.reactivated": _l("Account reactivated"), "user.nip_changed": _l("NIP changed"),
        "user.password_reset": _l("Password reset"), "user.roles_changed": _l("Roles changed"),
        "user.unlocked": _l("Account unlocked"),
        "users.imported": _l("Participants imported")},
    "CohortStatus": {"planned": _l("Planned"), "running": _l("Running"),
                     "finished": _l("Finished"), "closed": _l("Closed")},
    "NotificationKind": {
        "revision_requested": _l("Plan sent back for revision"),
        "plan_approved": _l("Plan approved"), "certificate_issued": _l("Certificate issued"),
        "test_opened": _l("Post-test open"), "task_commented": _l("Comment on your task"),
        "plan_submitted": _l("Plan submitted for review"),
        "plan_resubmitted": _l("Revised plan resubmitted"),
        "review_overdue": _l("Review overdue"), "participant_stuck": _l("Participant stuck"),
        "job_finished": _l("Background job finished"),
        "job_failed": _l("Background job failed"),
        "endorsement_requested": _l("Plan waiting for your endorsement"),
        "seminar_scheduled": _l("Seminar scheduled"),
        "seminar_ready": _l("Plan ready to score at a seminar"),
        "moderation_needed": _l("Seminar scores need moderation"),
        "milestone_reported": _l("Milestone reported for confirmation"),
        "milestone_returned": _l("Milestone returned"),
        "follow_up_due": _l("Follow-up check-in due")},
    "EmailState": {"skipped": _l("Not emailed"), "pending": _l("Email waiting"),
                   "sent": _l("Email sent"), "failed": _l("Email failed")},
    "AuditObject": {"action_plan": _l("Action plan"), "seminar": _l("Seminar"),
                    "milestone": _l("Milestone report"), "certificate": _l("Certificate"),
                    "cohort": _l("Cohort"), "enrolment": _l("Enrolment"), "user": _l("Account")},
    # course modules
    "ProgressStatus": {"locked": _l("Locked"), "not_started": _l("Not started"),
                       "in_progress": _l("In progress"), "complete": _l("Complete")},
    "NextStepKind": {"pre_test": _l("Take the pre-test"),
                     "continue_lesson": _l("Continue reading"),
                     "post_test": _l("Take the post-test"),
                     "revise_plan": _l("Revise your action plan"),
                     "submit_plan": _l("Submit your action plan"),
                     "await_grading": _l("Waiting for grading"),
                     "carry_out_plan": _l("Carry out your action plan"),
                     "download_certificate": _l("Download your certificate"),
                     "complete": _l("Training complete")},
    # tests
    "QuizKind": {"pre": _l("Pre-test"), "post": _l("Post-test")},
    # action plans
    "PlanState": {"draft": _l("Draft"), "submitted": _l("Submitted"),
                  "in_review": _l("In review"), "revision_requested": _l("Revision requested"),
                  "resubmitted": _l("Resubmitted"), "approved": _l("Approved"),
                  "awaiting_endorsement": _l("Waiting for the mentor"),
                  "design_seminar": _l("At the design seminar"),
                  "design_moderation": _l("Design seminar: moderation"),
                  "report_seminar": _l("At the report seminar"),
                  "report_moderation": _l("Report seminar: moderation"),
                  "completed": _l("Change project completed")},
    "PlanAction": {"submit": _l("Submitted"), "start_review": _l("Review started"),
                   "request_revision": _l("Revision requested"), "approve": _l("Approved"),
                   "change_grade": _l("Grade changed"),
                   "submit_to_mentor": _l("Submitted to the mentor"),
                   "endorse": _l("Endorsed by the mentor"),
                   "mentor_return": _l("Returned by the mentor"),
                   "send_to_seminar": _l("Sent to the design seminar"),
                   "moderate": _l("Sent to moderation"), "resolve": _l("Moderation resolved"),
                   "submit_report": _l("Report submitted"),
                   "complete": _l("Report graded")},
    "SeminarStage": {"design": _l("Design seminar"), "report": _l("Report seminar")},
    "AssessorRole": {"examiner": _l("Examiner"), "coach": _l("Coach")},
    "MilestoneStatus": {"reported": _l("Reported, awaiting the mentor"),
                        "confirmed": _l("Confirmed by the mentor"),
                        "returned": _l("Returned by the mentor")},
    "FollowUpStatus": {"moving": _l("Moving"), "stalled": _l("Stalled"),
                       "completed": _l("Completed")},
    "UpdateStatus": {"done": _l("Done"), "in_progress": _l("In progress"),
                     "blocked": _l("Blocked")},
    "TrackerState": {"moving": _l("Moving"), "stalled": _l("Stalled"),
                     "completed": _l("Completed")},
    # certificates
    "CertificateStatus": {"valid": _l("Valid"), "revoked": _l("Revoked"),
                          "superseded": _l("Superseded")},
    "JobKind": {"issue": _l("Issue to all eligible"), "export": _l("Export as ZIP")},
    "JobStatus": {"queued": _l("Waiting"), "running": _l("Running"), "done": _l("Finished"),
                  "failed": _l("Failed")},
}


class Labelled(enum.StrEnum):
    """A code that people never see raw: ``member.label`` is its word in the current
    language."""

    @property
    def label(self) -> str:
        return str(LABELS[type(self).__name__][self.value])


def label(value: object) -> str:
    """The label of a code (``Labelled`` member); any other value as text."""
    return value.label if isinstance(value, Labelled) else ("" if value is None else str(value))


def label_id(value: object) -> str:
    """The label in Bahasa Indonesia, for exports."""
    with force_locale("id"):
        return label(value)


def init_app(app: Flask) -> None:
    app.jinja_env.filters["label"] = label
