"""How check-ins look: the round message with its buttons and live counts, the closed version,
the totals the group sees, the change since the previous round, and the note form.

Every count shown here has passed `suppress_small_counts` with the network's k.
"""

from __future__ import annotations

from collections.abc import Mapping
from zoneinfo import ZoneInfo

from bot.checkins.parsing import AMBER, COLOURS, GREEN, NOTE_LIMIT, RED
from bot.kernel.replies import (
    Block,
    Button,
    Buttons,
    ButtonStyle,
    Choice,
    Context,
    FieldKind,
    Form,
    FormField,
    Heading,
    Reply,
    Text,
    Tone,
    Visibility,
)
from bot.parsing.markup import cut
from bot.parsing.times import show_time
from bot.privacy.suppression import Suppressed, suppress_small_counts
from storage.checkins import AnswerRecord, RoundRecord

EMOJI = {GREEN: "🟢", AMBER: "🟠", RED: "🔴"}
LABEL = {GREEN: "Got it", AMBER: "Not sure yet", RED: "Need help"}
TONE = {GREEN: Tone.GREEN, AMBER: Tone.AMBER, RED: Tone.RED}
ANSWER_ACTION = "checkin.answer"
NOTE_ACTION = "checkin.note"
NOTE_FORM = "checkin.note"


def colour_label(colour: str) -> str:
    return f"{EMOJI[colour]} {LABEL[colour]}"


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def quoted(prompt: str, limit: int = 300) -> str:
    """The round's prompt in quotation marks, cut to `limit` never inside a web address."""
    return "“" + cut(prompt, limit) + "”"


def answer_buttons(round_id: int) -> Buttons:
    """🟢 Got it · 🟠 Not sure yet · 🔴 Need help · Add a note."""
    return Buttons(
        (
            *(
                Button(colour_label(colour), ANSWER_ACTION, f"{round_id}:{colour}")
                for colour in COLOURS
            ),
            note_button(round_id),
        )
    )


def note_button(round_id: int) -> Button:
    """📝 Add a note (the form: colour, note, anonymously)."""
    return Button("📝 Add a note", NOTE_ACTION, str(round_id))


def suppressed(counts: Mapping[str, int], k: int) -> Suppressed[str]:
    return suppress_small_counts({colour: counts.get(colour, 0) for colour in COLOURS}, k=k)


def counts_text(counts: Suppressed[str]) -> str:
    """ "🟢 4 · 🟠 2 · 🔴 1 (7 answers)", or how many more answers before results show."""
    if not counts.visible:
        if counts.population == 0:
            return f"No answers yet — results show from {plural(counts.k, 'answer')}."
        return f"{plural(counts.needed, 'more answer')} before results show."
    parts = " · ".join(f"{EMOJI[c]} {counts.get(c)}" for c in COLOURS)
    return f"{parts} ({plural(counts.population, 'answer')})"


def shares(counts: Suppressed[str]) -> dict[str, int]:
    """Each colour's share in whole percent (only for visible counts)."""
    return {c: round(100 * (counts.get(c) or 0) / counts.population) for c in COLOURS}


def change_text(
    current: Suppressed[str], previous: Suppressed[str] | None, previous_at: str = ""
) -> str:
    """How the mix moved since the previous round, in shares so group sizes don't mislead."""
    if previous is None:
        return "This is the group's first round."
    if not current.visible or not previous.visible:
        return f"Not shown: one of the two rounds had fewer than {previous.k} answers."
    now, before = shares(current), shares(previous)
    parts = " · ".join(f"{EMOJI[c]} {now[c]}% (was {before[c]}%)" for c in COLOURS)
    return parts + (f" — compared with {previous_at}" if previous_at else "")


def round_message(
    round: RoundRecord,
    group_name: str,
    counts: Suppressed[str],
    zone: ZoneInfo,
    opened_by: str | None,
) -> Reply:
    """The message posted to the group's channels; edited in place as answers come in."""
    blocks: list[Block] = [Heading(f"Check-in · {group_name}"), Text(quoted(round.prompt))]
    if round.is_open:
        until = (
            f"until {show_time(round.closes_at, zone)}"
            if round.closes_at
            else "until your leader closes the round"
        )
        blocks += [
            Text(counts_text(counts)),
            answer_buttons(round.id),
            Context(
                (f"Opened by {opened_by}. " if opened_by else "")
                + f"You can change your answer {until}. The group sees only the totals; the "
                "leader sees each answer and who needs help, unless you add a note and tick "
                "“keep my answer anonymous”."
            ),
        ]
    else:
        assert round.closed_at is not None
        blocks += [
            Text(counts_text(counts)),
            Context(f"Closed {show_time(round.closed_at, zone)}."),
        ]
    return Reply(tuple(blocks), visibility=Visibility.PUBLIC)


def reminder_message(
    round: RoundRecord, group_name: str, counts: Suppressed[str], zone: ZoneInfo
) -> Reply:
    """A reminder for everyone in the group — never only those who haven't answered."""
    until = f" until {show_time(round.closes_at, zone)}" if round.closes_at else ""
    return Reply(
        (
            Text(
                f"⏰ The **{group_name}** check-in {quoted(round.prompt, 120)} is open{until}. "
                "If you've answered already there's nothing to do — you can still change it."
            ),
            Text(counts_text(counts)),
            answer_buttons(round.id),
        ),
        visibility=Visibility.PUBLIC,
    )


def closed_for_group(round: RoundRecord, group_name: str, counts: Suppressed[str]) -> Reply:
    """What the whole group sees at close: the totals, suppressed, and nothing about anyone."""
    if counts.visible:
        body = (
            f"The **{group_name}** check-in {quoted(round.prompt, 120)} has closed: "
            f"{counts_text(counts)}. Thank you — your leader may suggest a colleague to talk "
            "it through with."
        )
    else:
        body = (
            f"The **{group_name}** check-in {quoted(round.prompt, 120)} has closed, with too "
            f"few answers to show results (fewer than {counts.k})."
        )
    return Reply((Text(body),), visibility=Visibility.PUBLIC)


def note_form(round_id: int, answer: AnswerRecord | None) -> Form:
    return Form(
        NOTE_FORM,
        "Check-in: your answer and a note",
        (
            FormField(
                "colour",
                "Your answer",
                FieldKind.SELECT,
                options=tuple(Choice(c, colour_label(c)) for c in COLOURS),
                initial=answer.colour if answer else "",
            ),
            FormField(
                "note",
                "A note for your leader (what you'd like help with, or a tip)",
                FieldKind.MULTILINE,
                required=False,
                max_length=NOTE_LIMIT,
                initial=(answer.note or "") if answer else "",
            ),
            FormField(
                "anonymous",
                "Keep my answer anonymous",
                FieldKind.CHECKBOX,
                required=False,
                initial="yes" if answer and answer.anonymous else "",
                hint="Your leader then sees only the count — not your name or note — and you "
                "won't be paired this round.",
            ),
        ),
        submit_label="Save",
        context=str(round_id),
    )


def pairing_button(no_pairing: bool) -> Button:
    if no_pairing:
        return Button("Suggest partners for me again", "checkin.pairing", "on", ButtonStyle.PRIMARY)
    return Button("Don't pair me", "checkin.pairing", "off")
