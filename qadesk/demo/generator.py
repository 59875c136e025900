"""The demo operation as plain data: the agent roster with hidden quality profiles, and interaction records.

Everything is drawn from `random.Random` seeded by the caller, so the same seed and end time give the
same records. Records have the import format (docs/import-format.md); each comes with a `Plan`, the
hidden truth (real reason, planted mistakes) the demo reviews are rated against.
"""

from __future__ import annotations

import random
import unicodedata
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from qadesk.demo import catalogue as cat
from qadesk.demo.transcripts import MONEY_REASONS, Line, Scene, abandoned_lines, bot_only_lines, fill_values, subject_line
from qadesk.demo.transcripts import transcript_lines as _lines

# Chance of each mistake for an agent of average skill (0.75); scaled by (1 - skill) / 0.25.
MISTAKE_RATES: dict[str, float] = {
    "no_greeting": 0.06,
    "no_closing": 0.14,
    "no_empathy": 0.18,
    "jargon": 0.07,
    "step_omitted": 0.12,
    "vague_next_steps": 0.10,
    "wrong_label": 0.05,
    "wrong_sop": 0.05,
    "refund_against_policy": 0.06,
    "blaming": 0.025,
    "rudeness": 0.02,
}
TEAM_SHARE: dict[str, int] = {"Milano Ordini": 28, "Milano Resi": 22, "Lyon Livraisons": 27, "Lyon Service": 23}
HOUR_WEIGHTS = [0, 0, 0, 0, 0, 0, 0, 1, 5, 9, 10, 10, 8, 7, 9, 10, 9, 8, 6, 4, 3, 2, 1, 0]
DAY_WEIGHTS = [10, 10, 9, 9, 9, 5, 2]  # Monday .. Sunday


@dataclass(frozen=True)
class DemoAgent:
    """One agent of the roster; `skill` (0-1) is the hidden quality profile that drives their mistakes."""

    username: str
    first_name: str
    last_name: str
    team: str
    site: str
    skill: float

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class Plan:
    """The hidden truth of one generated interaction: what really happened, for rating it in demo reviews."""

    external_id: str
    reason: str
    label: str | None
    sop: str | None
    agents: tuple[str, ...]
    mistakes: frozenset[str]
    language: str
    html: bool = False


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower().replace(" ", "")


def demo_roster(*, seed: int) -> list[DemoAgent]:
    """About 40 agents, ten per team, Italian names in Milano and French in Lyon; a quarter strong, a quarter weak."""
    rng = random.Random(f"roster-{seed}")
    agents: list[DemoAgent] = []
    taken: set[str] = set()
    names = {"Milano": (cat.ITALIAN_FIRST, cat.ITALIAN_LAST), "Lyon": (cat.FRENCH_FIRST, cat.FRENCH_LAST)}
    used = {site: set() for site in names}  # type: dict[str, set[tuple[str, str]]]
    for team, (site, _language, _labels) in cat.TEAMS.items():
        firsts, lasts = names[site]
        for i in range(cat.AGENTS_PER_TEAM):
            while (pair := (rng.choice(firsts), rng.choice(lasts))) in used[site]:
                pass
            used[site].add(pair)
            base = f"{_ascii(pair[0])[0]}.{_ascii(pair[1])}"
            username = base
            n = 2
            while username in taken:
                username, n = f"{base}{n}", n + 1
            taken.add(username)
            tier = i % 4  # 0 strong, 1-2 average, 3 weak: every team has all kinds
            skill = rng.uniform(0.9, 0.98) if tier == 0 else rng.uniform(0.5, 0.66) if tier == 3 else rng.uniform(0.72, 0.88)
            skill -= 0.06 if team == cat.LESS_TRAINED_TEAM and tier else 0  # the demo's story: less training, more errors
            agents.append(DemoAgent(username, pair[0], pair[1], team, site, round(skill, 3)))
    return agents


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _office_hours(moment: datetime) -> datetime:
    """Back-office agents answer e-mails and posts between 8:00 and 20:00: a night reply moves to the morning."""
    if 8 <= moment.hour < 20:
        return moment
    morning = moment.replace(hour=8, minute=0) + timedelta(minutes=moment.minute, seconds=moment.second % 60)
    return morning if moment.hour < 8 else morning + timedelta(days=1)


class _Generator:
    """Draws interactions one after another from one random stream."""

    def __init__(self, *, roster: list[DemoAgent], count: int, days: int, end: datetime, seed: int) -> None:
        self.rng = random.Random(seed)
        self.end = end.replace(microsecond=0)
        self.days, self.count = days, count
        self.by_team: dict[str, list[DemoAgent]] = {}
        for agent in roster:
            self.by_team.setdefault(agent.team, []).append(agent)
        self.by_site: dict[str, list[DemoAgent]] = {}
        for agent in roster:
            self.by_site.setdefault(agent.site, []).append(agent)
        customers = max(20, int(count * 0.45))
        self.customers = customers
        self.segments = self.rng.choices(list(cat.SEGMENTS), weights=list(cat.SEGMENTS.values()), k=customers)

    def moments(self) -> list[datetime]:
        """Creation times over the period, busier on weekdays and office hours, in order."""
        start = (self.end - timedelta(days=self.days)).replace(hour=0, minute=0, second=0)
        day_list = [start + timedelta(days=d) for d in range(self.days + 1)]
        day_w = [DAY_WEIGHTS[d.weekday()] for d in day_list]
        moments = []
        for day in self.rng.choices(day_list, weights=day_w, k=self.count):
            hour = self.rng.choices(range(24), weights=HOUR_WEIGHTS)[0]
            moment = day + timedelta(hours=hour, seconds=self.rng.randrange(3600))
            if moment > self.end:  # today's remaining hours have not happened yet
                moment = self.end - timedelta(seconds=self.rng.randrange(1, 6 * 3600))
            moments.append(moment)
        return sorted(moments)

    def customer(self) -> tuple[str, str]:
        # A tenth of the customers write often: repeat contacts for FCR and customer history.
        frequent = max(1, self.customers // 10)
        n = self.rng.randrange(frequent) if self.rng.random() < 0.3 else self.rng.randrange(self.customers)
        return f"C-{n + 1:05d}", self.segments[n]

    def language(self, team: str) -> str:
        main = cat.TEAMS[team][1]
        other = "fr" if main == "it" else "it"
        return self.rng.choices([main, "en", other], weights=[80, 12, 8])[0]

    def mistakes(self, agent: DemoAgent, reason: str) -> frozenset[str]:
        scale = (1 - agent.skill) / 0.25
        found = {m for m, rate in MISTAKE_RATES.items() if self.rng.random() < rate * scale}
        if reason not in MONEY_REASONS:
            found.discard("refund_against_policy")
        if cat.CONFUSED_LABEL[reason] == reason:
            found.discard("wrong_label")
        return frozenset(found)

    def record(self, number: int, created: datetime) -> tuple[dict[str, Any], Plan]:
        rng = self.rng
        team = rng.choices(list(TEAM_SHARE), weights=list(TEAM_SHARE.values()))[0]
        site = cat.TEAMS[team][0]
        labels = cat.TEAMS[team][2]
        reason = rng.choices(list(labels), weights=list(labels.values()))[0]
        channel = rng.choices(list(cat.CHANNELS), weights=list(cat.CHANNELS.values()))[0]
        language = self.language(team)
        customer, segment = self.customer()
        values = fill_values(rng, language, created)
        html = rng.random() < 0.015
        label_def = cat.LABEL_BY_CODE[reason]
        record: dict[str, Any] = {
            "external_id": f"D-{number:06d}",
            "source": cat.SOURCE,
            "channel": channel,
            "language": language,
            "subject": subject_line(rng, language, reason, values),
            "customer": customer,
            "customer_segment": segment,
            "team": team,
            "site": site,
            "label": reason,
            "phase": label_def.phase,
            "agents": [],
            "sop": None,
            **dict.fromkeys(("queued_at", "answered_at", "first_reply_at", "resolved_at", "closed_at")),
            **dict.fromkeys(("talk_seconds", "hold_seconds", "acw_seconds")),
            "abandoned": False,
        }
        plan_kw: dict[str, Any] = {"reason": reason, "language": language, "html": html}
        if channel == "phone" and rng.random() < 0.06:
            return self._abandoned(record, created, plan_kw)
        if channel == "self_service" and rng.random() < 0.55:
            lines = bot_only_lines(rng, language, reason, values, html)
            self._timeline(record, created, lines)
            return record, Plan(record["external_id"], label=reason, sop=None, agents=(), mistakes=frozenset(), **plan_kw)

        agent = rng.choice(self.by_team[team])
        handlers = [agent]
        if rng.random() < 0.08:  # reassigned: to a colleague of the same site, often in the other team
            handlers.append(rng.choice([a for a in self.by_site[site] if a is not agent]))
        mistakes = self.mistakes(handlers[-1], reason)
        sop = cat.CONFUSED_SOP[label_def.sop] if "wrong_sop" in mistakes else label_def.sop
        label = cat.CONFUSED_LABEL[reason] if "wrong_label" in mistakes else reason
        scene = Scene(language, channel, reason, sop, tuple((a.username, a.first_name) for a in handlers), mistakes, html)
        lines = _lines(rng, scene, values)
        record.update(label=label, sop=sop, agents=[a.username for a in handlers], reopens=_reopens(record, mistakes))
        record.update(_feedback(record, mistakes))
        self._timeline(record, created, lines)
        plan = Plan(record["external_id"], label=label, sop=sop, agents=tuple(record["agents"]), mistakes=mistakes, **plan_kw)
        return record, plan

    def _abandoned(self, record: dict[str, Any], created: datetime, plan_kw: dict[str, Any]) -> tuple[dict[str, Any], Plan]:
        wait = self.rng.randint(8, 300)
        gone = created + timedelta(seconds=wait)
        lines = abandoned_lines(self.rng, record["language"], wait)
        record.update(label=None, phase=None, sop=None, abandoned=True, status="closed")
        record.update(created_at=_iso(created), queued_at=_iso(created), closed_at=_iso(min(gone, self.end)))
        record.update(talk_seconds=0, hold_seconds=0, acw_seconds=0)
        record["messages"] = [{"author": "system", "at": _iso(min(gone, self.end)), "body": lines[0].body}]
        return record, Plan(record["external_id"], label=None, sop=None, agents=(), mistakes=frozenset(), **plan_kw)

    def _gap(self, channel: str, author: str, first_reply: bool) -> int:
        """Seconds before a message is sent, as each channel paces a conversation."""
        rng = self.rng
        if author == "bot" or (channel == "phone"):
            return rng.randint(3, 10) if author == "bot" else rng.randint(15, 90)
        if channel == "chat" or channel == "self_service":
            return rng.randint(20, 150)
        if channel == "social":
            return rng.randint(600, 4 * 3600) if author == "agent" else rng.randint(120, 3600)
        if author == "agent":  # e-mail: the first answer waits in a queue
            return rng.randint(3600, 30 * 3600) if first_reply else rng.randint(1800, 8 * 3600)
        return rng.randint(1800, 20 * 3600)

    def _timeline(self, record: dict[str, Any], created: datetime, lines: list[Line]) -> None:
        """Give every message a time and set the interaction's timestamps and status; the future is cut off."""
        rng, channel = self.rng, record["channel"]
        record["created_at"] = _iso(created)
        moment = created
        answered = None
        if channel in ("phone", "chat"):
            record["queued_at"] = _iso(created)
            answered = created + timedelta(seconds=rng.randint(5, 240))
            record["answered_at"] = _iso(answered) if answered <= self.end else None
            moment = answered
        messages: list[dict[str, Any]] = []
        first_reply = None
        for i, line in enumerate(lines):
            if i or channel == "phone":
                moment += timedelta(seconds=self._gap(channel, line.author, first_reply is None and line.author == "agent"))
                if line.author == "agent" and channel in ("email", "social"):
                    moment = _office_hours(moment)
            if moment > self.end:
                break
            message: dict[str, Any] = {"author": line.author, "at": _iso(moment), "body": line.body}
            if line.agent:
                message.update(agent=line.agent, public=line.public)
                if first_reply is None and line.public:
                    first_reply = moment
            messages.append(message)
            if line.agent and sum(1 for m in messages if m.get("agent")) == 1:  # right after the first agent message
                messages.extend(_actions(record, line.agent, moment))
        record["messages"] = messages
        record["first_reply_at"] = _iso(first_reply) if first_reply else None
        if channel == "phone" and answered:
            talk = int((moment - answered).total_seconds()) + rng.randint(20, 60)
            hold = 0 if rng.random() < 0.6 else rng.randint(20, 180)
            record.update(talk_seconds=talk, hold_seconds=hold, acw_seconds=rng.randint(20, 180), abandoned=False)
            resolved = answered + timedelta(seconds=talk + hold + record["acw_seconds"])
            closed = resolved
        else:
            resolved = moment + timedelta(seconds=rng.randint(30, 600))
            closed = resolved + (timedelta(minutes=rng.randint(1, 15)) if channel != "email" else timedelta(days=3))
        if len(messages) < len(lines) or resolved > self.end:
            record["status"] = "pending" if messages and messages[-1]["author"] != "customer" else "open"
            record.update(resolved_at=None, closed_at=None)
        elif closed > self.end:
            record.update(status="resolved", resolved_at=_iso(resolved), closed_at=None)
        else:
            record.update(status="closed", resolved_at=_iso(resolved), closed_at=_iso(closed))


def _per_mille(key: str) -> int:
    """A number 0–999 fixed by `key`: demo facts drawn from a contact's id, outside the generator's random stream."""
    return zlib.crc32(key.encode()) % 1000


def _reopens(record: dict[str, Any], mistakes: frozenset[str]) -> int:
    """How often the customer came back to reopen it: 3 % of contacts, 15 % of those with a mistake (2 times in 1 of 6).

    Drawn from the contact's id rather than the generator's stream, so the rest of the demo stays as it was.
    """
    roll = _per_mille(record["external_id"])
    chance = 150 if mistakes else 30
    return 0 if roll >= chance else 2 if roll < chance // 6 else 1


def _feedback(record: dict[str, Any], mistakes: frozenset[str]) -> dict[str, Any]:
    """The customer's rating (asked after 35 % of contacts; negative 10 % of the time, 45 % after a mistake) and
    complaints (0.5 % of contacts, 4 % after a mistake), drawn from the contact's id like `_reopens`."""
    asked, mood, complains = (_per_mille(f"{record['external_id']}/{what}") for what in "amc")
    rating = ""
    if asked < 350:
        negative = 450 if mistakes else 100
        rating = "negative" if mood < negative else "neutral" if mood < negative + 150 else "positive"
    return {"customer_rating": rating, "complaint": complains < (40 if mistakes else 5)}


def demo_records(
    *, roster: list[DemoAgent], count: int, days: int, end: datetime, seed: int
) -> Iterator[tuple[dict[str, Any], Plan]]:
    """`count` interaction records over the `days` before `end`, oldest first, each with its hidden plan."""
    generator = _Generator(roster=roster, count=count, days=days, end=end, seed=seed)
    for number, created in enumerate(generator.moments(), start=1):
        yield generator.record(number, created)


def _actions(record: dict[str, Any], agent: str, moment: datetime) -> list[dict[str, Any]]:
    """What the first agent did in the tools right after their first reply, as helpdesks log it (no random draw, so
    the rest of the demo stays as it was): looked the customer up, and issued the refund a refund request asks for."""
    at = _iso(moment)
    actions = [
        {"author": "event", "name": "account-lookup", "agent": agent, "at": at, "parameters": {"customer": record["customer"]}}
    ]
    if record.get("label") == "refund_request":
        actions.append(
            {"author": "event", "name": "refund-issued", "agent": agent, "at": at, "parameters": {"order": record["subject"]}}
        )
    return actions
