"""How anonymous questions look: the post in the group's channels (open, resolved or hidden),
what goes into its thread, the similar-questions check, one question read in full, the list,
the facilitators' alert and the asker's reply notification.

Counts of schools always pass `bot.privacy.suppression`. Nothing here is given, or could show, who
asked; member text is passed through as written (adapters neutralise mentions).
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.kernel.replies import (
    Block,
    Button,
    Buttons,
    ButtonStyle,
    Fields,
    Heading,
    Reply,
    Text,
    Tone,
)
from bot.kernel.replies import Context as ContextLine
from bot.parsing.markup import cut
from bot.privacy.suppression import suppress_small_counts
from bot.questions.catalogue import EXAM_CHECKLIST, about_exams, board_label, category_label
from storage.question_replies import Followup, ReplyRecord
from storage.questions import QuestionRecord

METOO = "question.metoo"
REPLY = "question.reply"
READ = "question.read"
CONFIRM = "question.confirm"
DISCARD = "question.discard"
# Platforms cap a message at about 50 blocks; the thread keeps everything.
SHOWN_REPLIES = 20
SHOWN_FOLLOWUPS = 10
ANONYMOUS_NOTE = "asked anonymously — nobody, facilitators included, can see who asked"


def schools_seen(schools: int, *, k: int) -> str:
    """ "Seen at 4 schools", or — below the privacy threshold — no exact figure."""
    if schools == 0:
        return "No “me too” yet"
    shown = suppress_small_counts({"schools": schools}, k=k, population=schools)
    if not shown.visible:
        return f"Seen at fewer than {k} schools so far"
    return f"Seen at {schools} school{'s' if schools != 1 else ''}"


def excerpt(text: str, limit: int = 140) -> str:
    return cut(" ".join(text.split()), limit)


def _details(question: QuestionRecord) -> Fields:
    items = [("Category", category_label(question.category))]
    if question.board:
        items.append(("Exam board", board_label(question.board)))
    if question.qualification:
        items.append(("Qualification", question.qualification))
    if question.paper:
        items.append(("Paper", question.paper))
    return Fields(tuple(items))


def _buttons(question: QuestionRecord) -> Buttons:
    value = str(question.id)
    return Buttons(
        (
            Button("Me too — we saw this at our school", METOO, value, ButtonStyle.PRIMARY),
            Button("Reply", REPLY, value),
        )
    )


def title(question: QuestionRecord) -> str:
    suffix = " — resolved" if question.resolved else ""
    return f"Anonymous question #{question.number}{suffix}"


def post(question: QuestionRecord, *, schools: int, k: int) -> Reply:
    """The message in the group's channels; edited in place as it changes."""
    if question.hidden:
        return Reply(
            (
                Heading(f"Anonymous question #{question.number} (hidden)"),
                Text(f"The group's moderators hid this question: {question.hidden_reason}"),
            ),
            tone=Tone.WARNING,
        )
    blocks: list[Block] = [Heading(title(question)), _details(question), Text(question.text)]
    if about_exams(question.category):
        checklist = "\n".join(f"• {item}" for item in EXAM_CHECKLIST)
        blocks.append(Text(f"**To help diagnose it, replies could say:**\n{checklist}"))
    if question.resolved:
        summary = question.resolution or "no summary given"
        blocks.append(Text(f"**Answered, says the asker:** {summary}"))
    blocks.append(ContextLine(f"{schools_seen(schools, k=k)} · {ANONYMOUS_NOTE}"))
    blocks.append(_buttons(question))
    return Reply(tuple(blocks), tone=Tone.SUCCESS if question.resolved else Tone.NEUTRAL)


def followup_post(text: str) -> Reply:
    return Reply((Text(f"**The asker adds:**\n{text}"),))


def resolved_post(summary: str) -> Reply:
    said = f": {summary}" if summary else "."
    return Reply((Text(f"**The asker marked this question answered**{said}"),), tone=Tone.SUCCESS)


def reply_post(reply: ReplyRecord) -> Reply:
    school = f" ({reply.school_name})" if reply.school_name else ""
    return Reply((Text(f"**{reply.display_name}**{school} replied:\n{reply.text}"),))


def similar(found: Sequence[QuestionRecord], *, token: str) -> Reply:
    """Earlier questions like the one about to be posted, and the choice to post it anyway."""
    lines = [
        f"• **#{q.number}** in {q.group_name}"
        + (" (resolved)" if q.resolved else "")
        + f" — “{excerpt(q.text)}”"
        for q in found
    ]
    reads = tuple(Button(f"Read #{q.number}", READ, str(q.id)) for q in found)
    return Reply(
        (
            Heading("Before you post: similar questions"),
            Text(
                "These earlier questions in the network are worded like yours — the answer may "
                "already be there:\n" + "\n".join(lines)
            ),
            Buttons(reads),
            Text("Nothing has been posted yet. Post yours anyway, or leave it?"),
            Buttons(
                (
                    Button("Post anyway", CONFIRM, token, ButtonStyle.PRIMARY),
                    Button("Don't post", DISCARD, token),
                )
            ),
            ContextLine("This draft is kept for an hour, without your name, then deleted."),
        )
    )


def view(
    question: QuestionRecord,
    *,
    followups: Sequence[Followup],
    replies: Sequence[ReplyRecord] | None,
    reply_count: int,
    schools: int,
    k: int,
    moderator: bool,
) -> Reply:
    """One question in full, for whoever asks to read it. `replies` is None for people outside
    the group, who see how many there are but not what they say."""
    if question.hidden and not moderator:
        return post(question, schools=schools, k=k)
    blocks: list[Block] = [
        Heading(title(question) + (" (hidden)" if question.hidden else "")),
        _details(question),
        Text(question.text),
    ]
    if question.hidden:
        blocks.append(Text(f"**Hidden:** {question.hidden_reason}"))
    blocks.extend(Text(f"**The asker adds:** {f.text}") for f in followups[-SHOWN_FOLLOWUPS:])
    if question.resolved:
        blocks.append(Text(f"**Answered, says the asker:** {question.resolution or '—'}"))
    if replies is None:
        blocks.append(
            Text(
                f"{reply_count} repl{'y' if reply_count == 1 else 'ies'} in **{question.group_name}**"
                " — join the group to read them."
            )
        )
    else:
        if len(replies) > SHOWN_REPLIES:
            earlier = len(replies) - SHOWN_REPLIES
            blocks.append(Text(f"_{earlier} earlier replies are in the thread._"))
        blocks.extend(
            Text(
                f"**{r.display_name}**"
                + (f" ({r.school_name})" if r.school_name else "")
                + f": {r.text}"
            )
            for r in replies[-SHOWN_REPLIES:]
        )
        if not replies:
            blocks.append(Text("No replies yet."))
    blocks.append(
        ContextLine(f"In {question.group_name} · {schools_seen(schools, k=k)} · {ANONYMOUS_NOTE}")
    )
    if not question.hidden:
        blocks.append(_buttons(question))
    return Reply(tuple(blocks))


def listing(
    heading: str, questions: Sequence[QuestionRecord], schools: dict[int, int], k: int
) -> Reply:
    lines = []
    for q in questions:
        state = "hidden" if q.hidden else "resolved" if q.resolved else "open"
        lines.append(
            f"• **#{q.number}** {category_label(q.category)} · {q.group_name} · {state} · "
            f"{schools_seen(schools.get(q.id, 0), k=k)}"
            + ("" if q.hidden else f" — “{excerpt(q.text, 90)}”")
        )
    # A few lines to a paragraph: platforms cap a paragraph at about 3,000 characters.
    paragraphs = [Text("\n".join(lines[i : i + 5])) for i in range(0, len(lines), 5)]
    return Reply(
        (
            Heading(heading),
            *(paragraphs or [Text("No questions yet.")]),
            ContextLine("`/staffroom question #N` reads one; `/staffroom ask` asks anonymously."),
        )
    )


def alert(question: QuestionRecord, *, schools: int, k: int) -> Reply:
    """The facilitators' private alert when a question reaches the network's threshold."""
    suggestion = (
        "When several schools see the same thing, the network could consider a collective "
        "approach to the exam board — for example a joint enquiry, or coordinated requests for "
        "reviews of marking."
        if about_exams(question.category)
        else "When several schools see the same thing, it may deserve a network-wide response."
    )
    return Reply(
        (
            Heading(f"A pattern across schools: anonymous question #{question.number}"),
            Text(f"{schools_seen(schools, k=k)} — in **{question.group_name}**."),
            _details(question),
            Text(suggestion),
            ContextLine(f"`/staffroom question #{question.number}` shows it with its replies."),
        ),
        tone=Tone.WARNING,
    )


def reply_notice(question: QuestionRecord, reply: ReplyRecord) -> Reply:
    """The asker's private notice of a reply (it travels sealed)."""
    return Reply(
        (
            Text(
                f"**{reply.display_name}** replied to your anonymous question "
                f"#{question.number} in **{question.group_name}**: “{excerpt(reply.text)}”"
            ),
            ContextLine(
                f"`/staffroom question #{question.number}` shows the thread; "
                f"`/staffroom ask resolve #{question.number} [summary]` marks it answered."
            ),
        )
    )
