"""Racing requests against a real server: exactly one outcome, only 2xx or 409 (never 500), a consistent audit trail.

Each race runs ROUNDS times (20 by default) on fresh objects made by seed.py, the racers released together by a barrier
and, from round to round, 0 to 25 ms apart. A round that breaks a rule is recorded with what went wrong; every test
reports how many of its rounds broke (the figures in docs/reviews-and-disputes.md were measured this way).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from tests.concurrency.conftest import ROUNDS
from tests.concurrency.harness import Answer, Server, staggers

pytestmark = pytest.mark.race


def _verdict(name: str, broken: dict[int, list[str]]) -> None:
    if broken:
        lines = "\n".join(f"  round {n}: {'; '.join(problems)}" for n, problems in sorted(broken.items()))
        pytest.fail(f"{name}: {len(broken)} of {ROUNDS} rounds broke\n{lines}", pytrace=False)


def _statuses(*answers: Answer) -> list[int]:
    return sorted(a.status for a in answers)


def _actions(server: Server, review_id: int, **filters: Any) -> Counter[str]:
    events = server.call("qa", "GET", f"/reviews/{review_id}/audit").body
    return Counter(e["action"] for e in events if all(e.get(k) == v for k, v in filters.items()))


def _ratings(server: Server, empathy_value: int) -> list[dict[str, Any]]:
    empathy = server.seed["empathy"]
    return [
        {"criterion": c["id"], "value": empathy_value if c["id"] == empathy else c["choices"][-1]}
        for c in server.seed["criteria"]
    ]


def _values(ratings: list[dict[str, Any]]) -> dict[int, Any]:
    return {r["criterion"]: r["value"] for r in ratings}


def _no_server_error(problems: list[str], **answers: Answer) -> None:
    for name, answer in answers.items():
        if answer.status not in {200, 201, 409}:
            problems.append(f"{name} answered {answer!r}")


def test_a_submit_racing_an_autosave_submits_once_and_never_reverts(race_server: Server) -> None:
    s, broken = race_server, {}
    for n, (review_id, stagger) in enumerate(zip(s.seed["submit_autosave"], staggers(ROUNDS), strict=True)):
        submit, autosave = s.race(
            ("reviewer", "POST", f"/reviews/{review_id}/submit", None),
            ("reviewer", "PUT", f"/reviews/{review_id}/ratings", {"ratings": _ratings(s, 3)}),
            stagger=stagger,
        )
        problems: list[str] = []
        _no_server_error(problems, submit=submit, autosave=autosave)
        if submit.status != 200:
            problems.append(f"the submit answered {submit!r}")
        review = s.call("reviewer", "GET", f"/reviews/{review_id}").body
        if (review["status"], review["revision"]) != ("submitted", 1):
            problems.append(f"the review is {review['status']} at revision {review['revision']}")
        revisions = s.call("reviewer", "GET", f"/reviews/{review_id}/revisions").body
        if [r["number"] for r in revisions] != [1]:
            problems.append(f"revisions {[r['number'] for r in revisions]}")
        elif _values(revisions[0]["ratings"]) != _values(review["ratings"]):
            problems.append("a rating changed after the review was submitted")
        empathy = next((r["value"] for r in review["ratings"] if r["criterion"] == s.seed["empathy"]), None)
        if (autosave.status == 409 and empathy != 2) or (autosave.status == 200 and empathy != 3):
            problems.append(f"the autosave answered {autosave.status} but empathy is {empathy}")
        if (count := _actions(s, review_id)["submit"]) != 1:
            problems.append(f"{count} submit events")
        again = s.call("reviewer", "POST", f"/reviews/{review_id}/submit")
        if again.status != 409:
            problems.append(f"a later submit answered {again!r}")
        if problems:
            broken[n] = problems
    _verdict("submit vs autosave", broken)


def test_a_double_submit_submits_once_and_the_other_gets_409(race_server: Server) -> None:
    s, broken = race_server, {}
    for n, (review_id, stagger) in enumerate(zip(s.seed["double_submit"], staggers(ROUNDS), strict=True)):
        answers = s.race(*[("reviewer", "POST", f"/reviews/{review_id}/submit", None)] * 2, stagger=stagger)
        problems: list[str] = []
        if _statuses(*answers) != [200, 409]:
            problems.append(f"answers {answers}")
        revisions = s.call("reviewer", "GET", f"/reviews/{review_id}/revisions").body
        if [r["number"] for r in revisions] != [1]:
            problems.append(f"revisions {[r['number'] for r in revisions]}")
        if (count := _actions(s, review_id)["submit"]) != 1:
            problems.append(f"{count} submit events")
        if problems:
            broken[n] = problems
    _verdict("double submit", broken)


def test_two_opposite_decisions_of_one_dispute_leave_exactly_one(race_server: Server) -> None:
    s, broken = race_server, {}
    empathy = s.seed["empathy"]
    for n, (ids, stagger) in enumerate(zip(s.seed["decide"], staggers(ROUNDS), strict=True)):
        review_id, dispute_id = ids["review"], ids["dispute"]
        accept = {"accepted": [{"criterion": empathy}], "note": "Fair."}
        reject = {"accepted": [], "note": "The transcript says otherwise."}
        accepting, rejecting = s.race(
            ("qa", "POST", f"/disputes/{dispute_id}/decide", accept),
            ("reviewer", "POST", f"/disputes/{dispute_id}/decide", reject),
            stagger=stagger,
        )
        problems: list[str] = []
        _no_server_error(problems, accepting=accepting, rejecting=rejecting)
        if _statuses(accepting, rejecting) != [200, 409]:
            problems.append(f"answers accept {accepting!r}, reject {rejecting!r}")
        dispute = s.call("qa", "GET", f"/disputes/{dispute_id}").body
        review = s.call("qa", "GET", f"/reviews/{review_id}").body
        revisions = [r["number"] for r in s.call("qa", "GET", f"/reviews/{review_id}/revisions").body]
        actions = _actions(s, review_id, dispute=dispute_id)
        if actions["decide"] != 1:
            problems.append(f"{actions['decide']} decide events")
        winner = "accepted" if accepting.status == 200 else "rejected" if rejecting.status == 200 else None
        if dispute["outcome"] != winner:
            problems.append(f"the dispute says {dispute['outcome']!r}, the winning answer {winner!r}")
        expected = {"accepted": (False, [1, 2], 1), "rejected": (True, [1], 0)}.get(dispute["outcome"])
        if expected and (review["scores_locked"], revisions, actions["revise"]) != expected:
            problems.append(
                f"outcome {dispute['outcome']} but locked={review['scores_locked']}, revisions {revisions}, "
                f"{actions['revise']} revise events"
            )
        if problems:
            broken[n] = problems
    _verdict("two decisions", broken)


def test_two_disputes_opened_at_once_on_one_review_make_one(race_server: Server) -> None:
    s, broken = race_server, {}
    empathy = s.seed["empathy"]
    for n, (review_id, stagger) in enumerate(zip(s.seed["open_dispute"], staggers(ROUNDS), strict=True)):
        body = {"review": review_id, "argument": "I was kind.", "items": [{"criterion": empathy, "proposed_value": 5}]}
        answers = s.race(*[("agent", "POST", "/disputes", body)] * 2, stagger=stagger)
        problems: list[str] = []
        if _statuses(*answers) != [201, 409]:
            problems.append(f"answers {answers}")
        disputes = [d for d in s.call("agent", "GET", "/disputes?limit=1000").body["items"] if d["review"] == review_id]
        if len(disputes) != 1:
            problems.append(f"{len(disputes)} disputes")
        if (count := _actions(s, review_id)["dispute"]) != 1:
            problems.append(f"{count} dispute events")
        if problems:
            broken[n] = problems
    _verdict("two disputes", broken)


def test_a_double_acknowledge_is_recorded_once(race_server: Server) -> None:
    s, broken = race_server, {}
    for n, (review_id, stagger) in enumerate(zip(s.seed["open_dispute"], staggers(ROUNDS), strict=True)):
        answers = s.race(*[("agent", "POST", f"/reviews/{review_id}/acknowledge", None)] * 2, stagger=stagger)
        problems: list[str] = []
        if _statuses(*answers) != [200, 200]:
            problems.append(f"answers {answers}")
        if (count := _actions(s, review_id)["acknowledge"]) != 1:
            problems.append(f"{count} acknowledge events")
        if problems:
            broken[n] = problems
    _verdict("double acknowledge", broken)


def test_a_calibration_score_and_a_close_sent_twice_count_once(race_server: Server) -> None:
    s, broken = race_server, {}
    ratings = [{"criterion": c["id"], "value": c["choices"][-1]} for c in s.seed["criteria"]]
    for n, (ids, stagger) in enumerate(zip(s.seed["calibration"], staggers(ROUNDS), strict=True)):
        session, item = ids["session"], ids["item"]
        path = f"/calibration/sessions/{session}/items/{item}/score"
        scores = s.race(*[("reviewer", "POST", path, {"ratings": ratings})] * 2, stagger=stagger)
        closes = s.race(
            ("qa", "POST", f"/calibration/sessions/{session}/close", {}),
            ("qa2", "POST", f"/calibration/sessions/{session}/close", {}),
            stagger=stagger,
        )
        problems: list[str] = []
        if _statuses(*scores) != [201, 409]:
            problems.append(f"scores answered {scores}")
        if _statuses(*closes) != [200, 409]:
            problems.append(f"closes answered {closes}")
        told = [
            x
            for x in s.call("reviewer2", "GET", "/notifications?limit=1000").body["items"]
            if x["kind"] == "calibration_results" and f"“Race {n}”" in x["subject"]
        ]
        if len(told) != 1:
            problems.append(f"participants told {len(told)} times that the results are out")
        if problems:
            broken[n] = problems
    _verdict("calibration", broken)


def test_the_same_assignment_made_twice_at_once_is_made_once(race_server: Server) -> None:
    s, broken = race_server, {}
    for n, (interaction, stagger) in enumerate(zip(s.seed["assign"], staggers(ROUNDS), strict=True)):
        body = {"interactions": [interaction], "reviewer": "race.reviewer2"}
        answers = s.race(
            ("qa", "POST", "/reviews/assignments", body),
            ("qa2", "POST", "/reviews/assignments", body),
            stagger=stagger,
        )
        problems: list[str] = []
        _no_server_error(problems, first=answers[0], second=answers[1])
        created = sum(len(a.body) for a in answers if a.status == 201)
        if created != 1:
            problems.append(f"{created} assignments made ({answers})")
        if problems:
            broken[n] = problems
    _verdict("double assignment", broken)


def test_one_interaction_assigned_to_two_reviewers_at_once_lands_in_one_queue(race_server: Server) -> None:
    """An interaction is in one review queue at a time: two leads giving it to two reviewers at once make one 201 and
    one 409, never two open assignments (the interaction rows are locked before the check)."""
    s, broken = race_server, {}
    for n, (interaction, stagger) in enumerate(zip(s.seed["assign_apart"], staggers(ROUNDS), strict=True)):
        answers = s.race(
            ("qa", "POST", "/reviews/assignments", {"interactions": [interaction], "reviewer": "race.reviewer"}),
            ("qa2", "POST", "/reviews/assignments", {"interactions": [interaction], "reviewer": "race.reviewer2"}),
            stagger=stagger,
        )
        problems: list[str] = []
        _no_server_error(problems, first=answers[0], second=answers[1])
        created = sum(len(a.body) for a in answers if a.status == 201)
        if created != 1 or _statuses(*answers) != [201, 409]:
            problems.append(f"{created} assignments made ({answers})")
        if problems:
            broken[n] = problems
    _verdict("one interaction, two queues", broken)


def test_two_runs_of_one_sampling_plan_at_once_draw_the_period_once(race_server: Server) -> None:
    s, broken = race_server, {}
    for n, (plan, stagger) in enumerate(zip(s.seed["sampling"], staggers(ROUNDS), strict=True)):
        answers = s.race(
            ("qa", "POST", f"/sampling/plans/{plan}/run", {}),
            ("qa2", "POST", f"/sampling/plans/{plan}/run", {}),
            stagger=stagger,
        )
        problems: list[str] = []
        if _statuses(*answers) != [202, 202]:
            problems.append(f"answers {answers}")
        runs = s.call("qa", "GET", f"/sampling/runs?plan={plan}").body
        if len(runs) != 1:
            problems.append(f"{len(runs)} runs of one period")
        jobs = sorted(s.call("qa", "GET", f"/sampling/jobs/{a.body['id']}").body["status"] for a in answers if a.status == 202)
        if jobs != ["skipped", "succeeded"]:
            problems.append(f"jobs {jobs}")
        if problems:
            broken[n] = problems
    _verdict("two sampling runs", broken)


def test_two_closes_of_one_complaint_at_once_leave_exactly_one(race_server: Server) -> None:
    s, broken = race_server, {}
    for n, (complaint_id, stagger) in enumerate(zip(s.seed["close_complaint"], staggers(ROUNDS), strict=True)):
        path = f"/complaints/{complaint_id}/status"
        resolve = {"status": "resolved", "root_cause": "Carrier", "outcome": "Refund"}
        reject = {"status": "rejected", "root_cause": "Duplicate", "outcome": "Merged"}
        resolving, rejecting = s.race(("qa", "POST", path, resolve), ("qa2", "POST", path, reject), stagger=stagger)
        problems: list[str] = []
        _no_server_error(problems, resolving=resolving, rejecting=rejecting)
        if _statuses(resolving, rejecting) != [200, 409]:
            problems.append(f"answers resolve {resolving!r}, reject {rejecting!r}")
        complaint = s.call("qa", "GET", f"/complaints/{complaint_id}").body
        winner = "resolved" if resolving.status == 200 else "rejected" if rejecting.status == 200 else None
        if complaint["status"] != winner:
            problems.append(f"the complaint says {complaint['status']!r}, the winning answer {winner!r}")
        expected_cause = {"resolved": "Carrier", "rejected": "Duplicate"}.get(complaint["status"])
        if complaint["root_cause"] != expected_cause:
            problems.append(f"root cause {complaint['root_cause']!r} with status {complaint['status']!r}")
        moves = [a for a in complaint["actions"] if a["kind"] == "status"]
        if len(moves) != 2:  # in progress (seed), then the one close
            problems.append(f"{len(moves)} status entries on the timeline")
        if problems:
            broken[n] = problems
    _verdict("two closes of a complaint", broken)
