from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.task_view import TaskView


T = TypeVar("T", bound="TaskList")


@_attrs_define
class TaskList:
    """A page of tasks, newest first.

    Example:
        {'next_cursor': '0193a1c5-ffee-7dcb-a987-6543210fedcb', 'tasks': [{'attempts': 1, 'branch':
            'orchard/0193a1c6-1b2c-7d3e-8f4a-5b6c7d8e9fa0', 'changed_files': ['src/signup.rs'], 'commit':
            '3f9c2b7e41d05a8c6e2f1b9d7a4c3e5f60718293', 'cost_micros': 3522, 'cost_usd': 0.003522, 'created_at':
            '2026-12-04T09:30:00Z', 'id': '0193a1c6-1b2c-7d3e-8f4a-5b6c7d8e9fa0', 'instruction': 'add input validation to
            the signup handler', 'llm_calls': 4, 'max_tokens': 200000, 'pull_request_url': 'https://github.com/acme/signup-
            service/pull/42', 'quota_period': '2026-12', 'quota_released': False, 'repo_id':
            '0193a1c5-0a1b-7c2d-9e3f-4a5b6c7d8e9f', 'sprint': '2026-W49', 'status': 'succeeded', 'summary': 'Validate the
            email and password in signup; reject bad input with 400.', 'tokens': {'completion': 1310, 'prompt': 18240,
            'total': 19550}, 'updated_at': '2026-12-04T09:31:35Z'}]}

    Attributes:
        tasks (list[TaskView]):
        next_cursor (str | Unset): Pass as `cursor` for the next page; absent on the last page.
    """

    tasks: list[TaskView]
    next_cursor: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        tasks = []
        for tasks_item_data in self.tasks:
            tasks_item = tasks_item_data.to_dict()
            tasks.append(tasks_item)

        next_cursor = self.next_cursor

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "tasks": tasks,
            }
        )
        if next_cursor is not UNSET:
            field_dict["next_cursor"] = next_cursor

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.task_view import TaskView  # noqa: PLC0415

        d = dict(src_dict)
        tasks = []
        _tasks = d.pop("tasks")
        for tasks_item_data in _tasks:
            tasks_item = TaskView.from_dict(tasks_item_data)

            tasks.append(tasks_item)

        next_cursor = d.pop("next_cursor", UNSET)

        task_list = cls(
            tasks=tasks,
            next_cursor=next_cursor,
        )

        task_list.additional_properties = d
        return task_list

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
