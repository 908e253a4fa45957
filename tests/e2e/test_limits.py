"""Discord's limits as `limits.py` checks them: each limit passes at its edge and breaks one past it."""

from __future__ import annotations

import limits


def _button(custom_id: str, label: str = "ok") -> dict:
    return {"type": 2, "style": 1, "label": label, "custom_id": custom_id}


def _row(*components: dict) -> dict:
    return {"type": 1, "components": list(components)}


def test_content_limit() -> None:
    assert limits.message_breaches({"content": "x" * 2000}) == []
    assert limits.message_breaches({"content": "x" * 2001}) == ["content is 2001 chars (limit 2000)"]


def test_embed_limits() -> None:
    fine = {"title": "t" * 256, "description": "d" * 4096, "footer": {"text": "f"}, "author": {"name": "a"}}
    assert limits.embed_breaches([fine]) == []
    assert limits.embed_breaches([{**fine, "title": "t" * 257}]) == ["embed[0].title is 257 chars (limit 256)"]
    fields = [{"name": "n", "value": "v" * 200}] * 25
    assert limits.embed_breaches([{"fields": fields}]) == []
    assert "embed[0] has 26 fields (limit 25)" in limits.embed_breaches([{"fields": fields + fields[:1]}])
    assert "fields[0].value is 1025 chars" in limits.embed_breaches([{"fields": [{"name": "n", "value": "v" * 1025}]}])[0]
    two_big = [{"description": "d" * 3001}, {"description": "d" * 3000}]
    assert limits.embed_breaches(two_big) == ["embeds hold 6001 chars in total (limit 6000)"]
    assert limits.embed_breaches([{}] * 11) == ["11 embeds (limit 10)"]


def test_action_rows_and_buttons() -> None:
    rows = [_row(*[_button(f"b{r}{c}") for c in range(5)]) for r in range(5)]
    assert limits.message_breaches({"components": rows}) == []
    assert "6 action rows (limit 5)" in limits.message_breaches({"components": rows + [_row(_button("extra"))]})
    six = _row(*[_button(f"b{c}") for c in range(6)])
    assert limits.message_breaches({"components": [six]})
    assert limits.message_breaches({"components": [_row(_button("a", label="l" * 81))]})
    assert limits.message_breaches({"components": [_row(_button("x" * 101))]})
    assert limits.message_breaches({"components": [_row(_button("same"), _button("same"))]}) == [
        "custom_id 'same' is used twice in one message"
    ]


def test_select_menus() -> None:
    options = [{"label": str(n), "value": str(n)} for n in range(25)]
    select = {"type": 3, "custom_id": "pick", "options": options}
    assert limits.message_breaches({"components": [_row(select)]}) == []
    assert limits.message_breaches({"components": [_row({**select, "options": options + options[:1]})]})
    assert limits.message_breaches({"components": [_row(select, _button("b"))]})


def test_components_v2_forbid_content() -> None:
    message = {"flags": limits.COMPONENTS_V2_FLAG, "content": "hi", "components": [{"type": 10, "content": "x"}]}
    assert limits.message_breaches(message) == ["a Components V2 message cannot carry content or embeds"]


def test_autocomplete_and_files() -> None:
    choices = [{"name": "n" * 100, "value": "v" * 100}] * 25
    assert limits.autocomplete_breaches(choices) == []
    assert limits.autocomplete_breaches(choices + choices[:1]) == ["26 autocomplete choices (limit 25)"]
    assert limits.autocomplete_breaches([{"name": "", "value": "v"}])
    assert limits.file_breaches([("a.png", limits.FILE_SIZE_MAX)]) == []
    assert limits.file_breaches([("a.png", limits.FILE_SIZE_MAX + 1)])


def test_modal_limits() -> None:
    text_input = {"type": 4, "custom_id": "note", "label": "Note", "style": 1}
    modal = {"title": "t" * 45, "custom_id": "m", "components": [_row(text_input)]}
    assert limits.modal_breaches(modal) == []
    assert limits.modal_breaches({**modal, "title": "t" * 46})
    assert limits.modal_breaches({**modal, "components": []})
    assert limits.modal_breaches({**modal, "components": [_row(text_input)] * 6})


def test_command_shape() -> None:
    command = {"name": "goal", "description": "Set your goal", "options": [{"type": 3, "name": "goal", "description": "Goal"}]}
    assert limits.command_breaches([command]) == []
    assert limits.command_breaches([{**command, "name": "Goal"}])
    assert limits.command_breaches([{**command, "description": "d" * 101}])
    assert limits.command_breaches([command, command]) == ["two commands share a name"]
