from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="TaskEventView")


@_attrs_define
class TaskEventView:
    """One event of a task's log.

    Example:
        {'at': '2026-12-04T09:30:12Z', 'data': {'error': None, 'name': 'read_file', 'ok': True, 'path':
            'src/signup.rs'}, 'kind': 'tool_call', 'seq': 3}

    Attributes:
        seq (int): Position in the log, from 1.
        kind (str): `status`, `checkout`, `llm_call`, `tool_call`, `commit`, `pull_request` or `restart`.
        data (Any): Details.
        at (datetime.datetime):
    """

    seq: int
    kind: str
    data: Any
    at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        seq = self.seq

        kind = self.kind

        data = self.data

        at = self.at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "seq": seq,
                "kind": kind,
                "data": data,
                "at": at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        seq = d.pop("seq")

        kind = d.pop("kind")

        data = d.pop("data")

        at = datetime.datetime.fromisoformat(d.pop("at"))

        task_event_view = cls(
            seq=seq,
            kind=kind,
            data=data,
            at=at,
        )

        task_event_view.additional_properties = d
        return task_event_view

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
