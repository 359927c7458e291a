"""``leans demo``: a realistic, idempotent demo data set.

Every person here is fictional; units and villages are real places of Kabupaten Bojonegoro.
Running it twice gives the same data: records are matched by username and cohort slug.
"""

from __future__ import annotations

import datetime as dt
import random

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from leans.assessments.quizzes.models import QuizAttempt
from leans.assessments.quizzes.scoring import (
    draw,
    objective_scores,
    score_attempt,
    times_seen,
)
from leans.assessments.tasks.answers import add_comment
from leans.assessments.tasks.models import TaskAnswer
from leans.certificates.issuing import candidates, issue_batch
from leans.content import get_catalogue
from leans.content.model import Module
from leans.core.extensions import db
from leans.core.models import Cohort, Enrolment, Role, User
from leans.demo.people import (
    DEMO_COHORT_SLUG,
    DEMO_MODULES,
    DEMO_PASSWORD,
    NEXT_COHORT,
    NEXT_PEOPLE,
    PEOPLE,
    PROJECT_PEOPLE,
    DemoPerson,
    link,
    upsert_cohort,
    upsert_person,
)
from leans.demo.plans import DEMO_TODAY, load_demo_plans
from leans.demo.project import (
    COACHES,
    PROJECT_CERTIFIED,
    PROJECT_COHORT,
    PROJECT_PROGRESS,
    link_mentors_and_examiner,
    load_project_plans,
    upsert_project_cohort,
)
from leans.modules.models import LessonCompletion
from leans.modules.training import training_modules
from leans.reports.reminders import send_reminders

#: Lessons each participant has finished (in course order), the day they started (days after
#: the cohort's start) and their pace in days per lesson: every stage of progress is on show,
#: including people who stopped weeks ago ("stuck") and people who have not begun. Hartono
#: has read everything and waits for his plan's grading; Ratna's draft is complete but not
#: submitted.
PROGRESS: dict[str, tuple[int, int, float]] = {
    "fauzi": (32, 1, 1.36), "siti": (27, 1, 1.51), "budi": (22, 2, 1.89), "endang": (18, 3, 2.27),
    "rina": (10, 1, 1.14), "arif": (5, 6, 1.51), "lilik": (26, 2, 1.66), "agus": (29, 1, 1.51),
    "dwi": (0, 0, 0), "yusuf": (2, 2, 0.76), "fitri": (13, 4, 2.27), "sugeng": (37, 2, 1.29),
    "kholis": (37, 3, 1.29), "wahyu": (37, 1, 1.21), "sutrisno": (7, 5, 3.78),
    "wahyuni": (3, 7, 3.03), "mulyono": (0, 0, 0), "umi": (11, 3, 2.65), "suparno": (16, 2, 2.27),
    "tutik": (1, 10, 0.76), "hartono": (37, 1, 1.06), "ratna": (32, 2, 1.36),
}


#: What demo participants sent for some tasks; the others get a short generic answer.
TASK_ANSWERS = {
    "peta-pemangku": "Pemangku kepentingan utama di Nganti: Pemerintah Desa (lahan kas desa), "
                     "BUMDes (pemasaran), Puskesmas Ngraho (gizi), kelompok tani muda, dan "
                     "pengepul lele. Yang belum terlibat: koperasi wanita dan karang taruna.",
    "pilah-masalah": "Teknis: jadwal pembagian bibit. Adaptif: warga desil 1 tidak percaya "
                     "program akan berlanjut setelah tahun pertama.",
}
DEFAULT_TASK_ANSWER = ("Jawaban saya (contoh data demo): saya sudah mencobanya di unit kerja "
                       "dan mencatat hasilnya untuk rencana aksi.")


def _record_progress(cohort: Cohort, users: list[User],
                     progress: dict[str, tuple[int, int, float]] = PROGRESS) -> None:
    """Lesson completions at fixed times (PROGRESS: from the cohort's first day), so that a
    second run changes nothing."""
    catalogue = get_catalogue()
    sequence = [(m.slug, lesson.slug) for m in training_modules(cohort, catalogue)
                for lesson in m.lessons]
    enrolments = {e.user_id: e for e in cohort.enrolments}
    start = dt.datetime.combine(cohort.starts_on, dt.time(2), tzinfo=dt.UTC)
    for user in users:
        count, first_day, pace = progress.get(user.username, (0, 0, 0))
        enrolment = enrolments.get(user.id)
        if enrolment is None or count == 0:
            continue
        done = {(c.module_slug, c.lesson_slug) for c in db.session.scalars(
            select(LessonCompletion).where(LessonCompletion.enrolment_id == enrolment.id))}
        for index, (module_slug, lesson_slug) in enumerate(sequence[:count]):
            if (module_slug, lesson_slug) in done:
                continue
            at = start + dt.timedelta(days=first_day + index * pace, hours=(user.id % 7))
            db.session.add(LessonCompletion(enrolment_id=enrolment.id, module_slug=module_slug,
                                            lesson_slug=lesson_slug, completed_at=at))
            _answer_tasks(enrolment, catalogue.module(module_slug), lesson_slug, at)


def _answer_tasks(enrolment: Enrolment, module: Module, lesson_slug: str,
                  at: dt.datetime) -> None:
    """The lesson's answerable tasks, sent when the lesson was done."""
    lesson = module.lesson(lesson_slug)
    for task in lesson.tasks if lesson else ():
        text = TASK_ANSWERS.get(task.id, DEFAULT_TASK_ANSWER)
        db.session.add(TaskAnswer(enrolment_id=enrolment.id, module_slug=module.slug,
                                  task_id=task.id, draft=text, draft_version=1,
                                  draft_saved_at=at, submitted_text=text, submitted_at=at,
                                  first_submitted_at=at, created_at=at))


#: (participant, module slug, task id, facilitator, comment): feedback already given.
TASK_COMMENTS = [
    ("siti", "kepemimpinan-kolaboratif", "pilah-masalah", "retno",
     "Pemilahannya tepat. Untuk masalah adaptif, siapa yang perlu Anda ajak bicara lebih dulu: "
     "kepala desa atau kelompok penerima?"),
]


def _comment_on_tasks(cohort: Cohort) -> None:
    """The facilitators' comments of TASK_COMMENTS (once)."""
    catalogue = get_catalogue()
    for username, module_slug, task_id, author_name, text in TASK_COMMENTS:
        answer = db.session.scalar(
            select(TaskAnswer).join(Enrolment, Enrolment.id == TaskAnswer.enrolment_id)
            .join(User, User.id == Enrolment.user_id)
            .where(User.username == username, Enrolment.cohort_id == cohort.id,
                   TaskAnswer.module_slug == module_slug, TaskAnswer.task_id == task_id))
        module = catalogue.module(module_slug)
        found = [(lesson, task) for lesson, task in (module.tasks if module else ())
                 if task.id == task_id]
        if answer is None or answer.comments or not found:
            continue
        author = db.session.scalar(select(User).where(User.username == author_name))
        lesson, task = found[0]
        add_comment(answer, author, text, lesson, task,
                    dt.datetime.combine(DEMO_TODAY, dt.time(1), tzinfo=dt.UTC))


#: (username, module order) whose first post-test attempt failed; everyone else passes at once.
FAILED_FIRST = {("budi", 2), ("rina", 1), ("kholis", 3), ("suparno", 2), ("wahyu", 5)}


def _answers(questions: list[dict], rng: random.Random, skill: float) -> dict[str, list[int]]:
    """Answers a participant of this skill might give: each question right with that chance,
    a little more or less on some objectives (some are easier to learn than others)."""
    answers = {}
    for position, question in enumerate(questions):
        right = [i for i, o in enumerate(question["options"]) if o["correct"]]
        wrong = [i for i, o in enumerate(question["options"]) if not o["correct"]]
        ease = [_ease(objective_id) for objective_id in question.get("objectives", ())]
        if rng.random() < skill + (sum(ease) / len(ease) if ease else 0.0):
            answers[str(position)] = right
        elif question["type"] == "multiple":
            answers[str(position)] = sorted({right[0], rng.choice(wrong)})
        else:
            answers[str(position)] = [rng.choice(wrong)]
    return answers


def _ease(objective_id: str) -> float:
    """How much easier (or harder) an objective is than the rest: a fixed share from -0.1 to
    +0.1 per objective id, so the gain differs between objectives but never vanishes."""
    return random.Random(f"ease/{objective_id}").uniform(-0.1, 0.1)  # noqa: S311


def _attempt(enrolment: Enrolment, module: Module, kind: str, number: int,
             at: dt.datetime, pass_wanted: bool | None, earlier: tuple[QuizAttempt, ...] = ()
             ) -> QuizAttempt:
    """A submitted attempt with realistic answers, drawn as the pages draw it (the kind's
    pool, least-seen items first after ``earlier`` attempts); retried draws until the
    outcome fits: passed or not as wanted, and a pass reaches half of every objective (so
    each objective shows its gain, even on a handful of participants)."""
    quiz = module.quiz
    rng = random.Random(f"{enrolment.user.username}/{module.slug}/{kind}/{number}")  # noqa: S311
    skill = {"pre": 0.45, "post": 0.85 if pass_wanted else 0.45}[kind]
    seen = times_seen(a.questions for a in earlier)
    for _ in range(50):
        seed = rng.randrange(2**40)
        questions = draw(quiz, kind, seed, seen)
        answers = _answers(questions, rng, skill)
        percent, points = score_attempt(questions, answers)
        if pass_wanted is None or ((percent >= quiz.pass_mark) == pass_wanted and (
                not pass_wanted or all(score.percent >= 50
                                       for score in objective_scores(questions, points)))):
            break
    return QuizAttempt(
        enrolment_id=enrolment.id, module_slug=module.slug, kind=kind, number=number,
        seed=seed, bank_version=quiz.version, questions=questions, pass_mark=quiz.pass_mark,
        started_at=at - dt.timedelta(minutes=12), submitted_at=at, answers=answers,
        score=percent, passed=percent >= quiz.pass_mark)


def _record_tests(cohort: Cohort, users: list[User],
                  progress: dict[str, tuple[int, int, float]] = PROGRESS) -> None:
    """A pre-test before each module a participant began; post-tests after each module they
    finished, except the last one of those still waiting for its post-test."""
    enrolments = {e.user_id: e for e in cohort.enrolments}
    existing = {(a.enrolment_id, a.module_slug, a.kind) for a in db.session.scalars(
        select(QuizAttempt).join(Enrolment).where(Enrolment.cohort_id == cohort.id))}
    for user in users:
        enrolment = enrolments.get(user.id)
        count = progress.get(user.username, (0, 0, 0))[0]
        if enrolment is None or count == 0:
            continue
        done = {(c.module_slug, c.lesson_slug): c.completed_at for c in db.session.scalars(
            select(LessonCompletion).where(LessonCompletion.enrolment_id == enrolment.id))}
        for module in training_modules(cohort, get_catalogue()):
            times = [done[(module.slug, lesson.slug)] for lesson in module.lessons
                     if (module.slug, lesson.slug) in done]
            if not times or module.quiz is None:
                continue
            if (enrolment.id, module.slug, "pre") not in existing:
                db.session.add(_attempt(enrolment, module, "pre", 1,
                                        min(times) - dt.timedelta(hours=1), None))
            finished = len(times) == len(module.lessons)
            waiting = finished and count % 9 == 0 and module.order == max(
                m.order for m in training_modules(cohort, get_catalogue())
                if all((m.slug, lesson.slug) in done for lesson in m.lessons))
            if not finished or waiting or (enrolment.id, module.slug, "post") in existing:
                continue
            at = max(times) + dt.timedelta(hours=2)
            earlier: tuple[QuizAttempt, ...] = ()
            if (user.username, module.order) in FAILED_FIRST:
                earlier = (_attempt(enrolment, module, "post", 1, at, False),)
                db.session.add(earlier[0])
                at = at + dt.timedelta(days=1)
            db.session.add(_attempt(enrolment, module, "post", len(earlier) + 1, at, True,
                                    earlier))


#: Eligible participants who already received their certificate in the demo.
CERTIFIED = ("wahyu", "sugeng")


def _issue_certificates(cohort: Cohort, certified: tuple[str, ...] = CERTIFIED) -> None:
    waiting = [c for c in candidates(cohort) if c.enrolment.user.username in certified
               and c.eligibility.eligible and c.certificate is None]
    if waiting:
        admin = db.session.scalar(select(User).where(User.username == "admin"))
        issue_batch(waiting, admin)


def load_demo() -> list[DemoPerson]:
    """Create or refresh the demo; returns the people whose logins to print. A bulk load:
    it commits step by step, like a command."""
    users = [upsert_person(person) for person in PEOPLE]
    cohort = upsert_cohort()
    link(cohort, users)
    next_cohort = upsert_cohort(*NEXT_COHORT)
    newcomers = [upsert_person(person) for person in NEXT_PEOPLE]
    link(next_cohort, newcomers + [u for u in users if u.username == "bambang"])
    db.session.flush()
    _record_progress(cohort, users)
    db.session.flush()
    _comment_on_tasks(cohort)
    _record_tests(cohort, users)
    db.session.commit()
    load_demo_plans(cohort, users)
    _issue_certificates(cohort)
    _load_project_cohort(users)
    # The morning reminders of the demo's day: overdue reviews and stuck participants.
    send_reminders(dt.datetime.combine(DEMO_TODAY, dt.time(0), tzinfo=dt.UTC), DEMO_TODAY)
    db.session.commit()
    return PEOPLE + NEXT_PEOPLE + PROJECT_PEOPLE


def _load_project_cohort(users: list[User]) -> None:
    """The full-path cohort: its people, their training done, their plans at every stage of
    the change project (leans.demo.project). Commits."""
    people = {person.username: upsert_person(person) for person in PROJECT_PEOPLE}
    people.update({u.username: u for u in users if u.username in COACHES})
    cohort = upsert_project_cohort(DEMO_MODULES)
    participants = [people[p.username] for p in PROJECT_PEOPLE if Role.PARTICIPANT in p.roles]
    link(cohort, participants + [people[name] for name in COACHES],
          enrolled_at=dt.datetime.combine(PROJECT_COHORT[2], dt.time(1), tzinfo=dt.UTC))
    link_mentors_and_examiner(cohort, people)
    db.session.flush()
    _record_progress(cohort, participants, PROJECT_PROGRESS)
    db.session.flush()
    _record_tests(cohort, participants, PROJECT_PROGRESS)
    db.session.commit()
    load_project_plans(cohort, people, DEMO_TODAY)
    _issue_certificates(cohort, PROJECT_CERTIFIED)


@click.command("demo")
@click.option("--force", is_flag=True, help="Allow loading the demo in production mode.")
@with_appcontext
def demo_command(force: bool) -> None:
    """Load the demo data (idempotent) and print the demo logins."""
    from leans.core.schema import upgrade_database

    if current_app.config["LEANS_ENV"] == "production" and not force:
        raise click.ClickException(
            "Refusing to load demo accounts with a known password into a production "
            "database. Use --force if this really is a demo server."
        )
    upgrade_database()
    people = load_demo()
    click.echo(f"Demo data ready: cohort '{DEMO_COHORT_SLUG}' with "
               f"{sum(Role.PARTICIPANT in p.roles for p in PEOPLE)} participants, "
               f"'{PROJECT_COHORT[0]}' (the change project's full path) with "
               f"{sum(Role.PARTICIPANT in p.roles for p in PROJECT_PEOPLE)}, their mentors "
               f"and an examiner, and '{NEXT_COHORT[0]}' (planned) with {len(NEXT_PEOPLE)}.")
    click.echo(f"Every demo account uses the password: {DEMO_PASSWORD}")
    for person in people:
        roles = "/".join(r.value for r in person.roles)
        click.echo(f"  {person.username:<10} {roles:<12} {person.full_name} — {person.unit}")
