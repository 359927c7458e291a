"""Learning gain and item analysis for a cohort's module tests: plain functions.

Definitions (shown on the report page too):
- pre score: the participant's one pre-test; post score: the attempt that counts (best/last);
- gain: mean of (post - pre) over participants with both;
- normalized gain (Hake): (mean post - mean pre) / (100 - mean pre) over the same participants;
- pass rate: participants whose counting post-test passed / participants with a post-test;
- item analysis: per question, the share of participants who were asked it and did not earn
  full points, in the pre-tests and in the counting post-tests;
- per objective: a participant's score on an objective is the points earned on the drawn items
  assessing it, as a percentage of those items (the objectives stored with the attempt); pre
  and post are the means of those scores over the pre-tests and counting post-tests that asked
  the objective, gain the mean of (post - pre) over participants with both.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from statistics import mean

from leans.assessments.quizzes.attempts import effective_attempt
from leans.assessments.quizzes.scoring import objective_scores, score_attempt


@dataclass(frozen=True)
class ParticipantScores:
    enrolment_id: int
    pre: float | None
    post: float | None
    passed: bool | None
    post_attempts: int

    @property
    def gain(self) -> float | None:
        return None if self.pre is None or self.post is None else self.post - self.pre


@dataclass(frozen=True)
class Summary:
    pre_count: int
    post_count: int
    pre_average: float | None
    post_average: float | None
    paired_count: int
    gain: float | None
    normalized_gain: float | None
    pass_rate: float | None


@dataclass(frozen=True)
class ItemStat:
    question_id: str
    text: str
    asked: int
    missed: int

    @property
    def share_missed(self) -> float:
        return self.missed / self.asked if self.asked else 0.0


def participant_scores(attempts: Sequence, policy: str) -> dict[int, ParticipantScores]:
    """Each enrolment's pre score and counting post score from its submitted attempts."""
    by_enrolment: dict[int, list] = defaultdict(list)
    for attempt in attempts:
        if attempt.submitted_at is not None:
            by_enrolment[attempt.enrolment_id].append(attempt)
    result = {}
    for enrolment_id, items in by_enrolment.items():
        pre = next((a for a in items if a.kind == "pre"), None)
        posts = [a for a in items if a.kind == "post"]
        counting = effective_attempt(posts, policy)
        result[enrolment_id] = ParticipantScores(
            enrolment_id, pre.score if pre else None, counting.score if counting else None,
            counting.passed if counting else None, len(posts))
    return result


def _average(values: Iterable[float]) -> float | None:
    values = list(values)
    return round(mean(values), 2) if values else None


def summarize(scores: Iterable[ParticipantScores]) -> Summary:
    scores = list(scores)
    pres = [s.pre for s in scores if s.pre is not None]
    posts = [s for s in scores if s.post is not None]
    paired = [s for s in scores if s.pre is not None and s.post is not None]
    pre_paired = _average(s.pre for s in paired)
    post_paired = _average(s.post for s in paired)
    normalized = None
    if paired and pre_paired is not None and pre_paired < 100:
        normalized = round((post_paired - pre_paired) / (100 - pre_paired), 3)
    return Summary(
        pre_count=len(pres), post_count=len(posts), pre_average=_average(pres),
        post_average=_average(s.post for s in posts), paired_count=len(paired),
        gain=_average(s.gain for s in paired), normalized_gain=normalized,
        pass_rate=round(sum(bool(s.passed) for s in posts) / len(posts), 3) if posts else None)


def item_analysis(attempts: Iterable) -> list[ItemStat]:
    """Questions by share missed, highest first, over the given submitted attempts."""
    asked: dict[str, int] = defaultdict(int)
    missed: dict[str, int] = defaultdict(int)
    texts: dict[str, str] = {}
    for attempt in attempts:
        _percent, points = score_attempt(attempt.questions, attempt.answers or {})
        for question, earned in zip(attempt.questions, points, strict=True):
            asked[question["id"]] += 1
            missed[question["id"]] += earned < 1
            texts[question["id"]] = question["text"]
    stats = [ItemStat(qid, texts[qid], asked[qid], missed[qid]) for qid in asked]
    return sorted(stats, key=lambda s: (-s.share_missed, s.question_id))


def counting_attempts(attempts: Sequence, kind: str, policy: str) -> list:
    """The attempts item analysis uses: every pre-test, or each participant's counting
    post-test."""
    submitted = [a for a in attempts if a.kind == kind and a.submitted_at is not None]
    if kind == "pre":
        return submitted
    by_enrolment: dict[int, list] = defaultdict(list)
    for attempt in submitted:
        by_enrolment[attempt.enrolment_id].append(attempt)
    return [effective_attempt(items, policy) for items in by_enrolment.values()]


@dataclass(frozen=True)
class ObjectiveGain:
    """One objective across a cohort: mean scores on its items before and after."""

    objective_id: str
    pre_count: int
    post_count: int
    pre_average: float | None
    post_average: float | None
    paired_count: int
    gain: float | None


def objective_percents(attempt) -> dict[str, float]:
    """An attempt's score per objective (percent of its items' points), from the objectives
    stored with the drawn questions; empty for attempts stored without them."""
    _percent, points = score_attempt(attempt.questions, attempt.answers or {})
    return {s.objective_id: s.percent for s in objective_scores(attempt.questions, points)}


def objective_gains(pre: Iterable, post: Iterable, order: Sequence[str] = ()
                    ) -> list[ObjectiveGain]:
    """Per objective: mean pre-test and counting post-test score on its items, and the gain
    (mean of post - pre over participants with both). ``pre``/``post``: one attempt per
    participant (``counting_attempts``); objectives in ``order`` first (the module's), then
    any other the attempts hold."""
    before = {a.enrolment_id: objective_percents(a) for a in pre}
    after = {a.enrolment_id: objective_percents(a) for a in post}
    found = [oid for scores in (*before.values(), *after.values()) for oid in scores]
    gains = []
    for oid in dict.fromkeys([*order, *found]):
        pres = {e: scores[oid] for e, scores in before.items() if oid in scores}
        posts = {e: scores[oid] for e, scores in after.items() if oid in scores}
        if not pres and not posts:
            continue
        # The cohort's summary, on this objective's scores (no pass mark per objective).
        summary = summarize(ParticipantScores(e, pres.get(e), posts.get(e), None, 0)
                            for e in dict.fromkeys([*pres, *posts]))
        gains.append(ObjectiveGain(oid, summary.pre_count, summary.post_count,
                                   summary.pre_average, summary.post_average,
                                   summary.paired_count, summary.gain))
    return gains
