from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="TaskCreate")


@_attrs_define
class TaskCreate:
    """A task to run.

    Example:
        {'instruction': 'add input validation to the signup handler', 'jira_issue': None, 'max_tokens': 200000,
            'repo_id': '0193a1c5-0a1b-7c2d-9e3f-4a5b6c7d8e9f', 'sprint': '2026-W49'}

    Attributes:
        repo_id (str): Repository to work on (from `POST /v1/repos`).
        instruction (None | str | Unset): What the agent should do. Give this or `jira_issue`.
        jira_issue (None | str | Unset): A Jira issue key (`ENG-42`) to work on instead of an instruction: its summary
            and
            description (as plain text) become the instruction, its active sprint the sprint
            label (unless `sprint` is given), and the pull request is linked on the issue. Needs
            the org's Jira credential with its site (`PUT /v1/credentials/jira`).
        sprint (None | str | Unset): Sprint label, for cost allocation.
        max_tokens (int | None | Unset): Most tokens this task may use.
    """

    repo_id: str
    instruction: None | str | Unset = UNSET
    jira_issue: None | str | Unset = UNSET
    sprint: None | str | Unset = UNSET
    max_tokens: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        repo_id = self.repo_id

        instruction: None | str | Unset
        if isinstance(self.instruction, Unset):
            instruction = UNSET
        else:
            instruction = self.instruction

        jira_issue: None | str | Unset
        if isinstance(self.jira_issue, Unset):
            jira_issue = UNSET
        else:
            jira_issue = self.jira_issue

        sprint: None | str | Unset
        if isinstance(self.sprint, Unset):
            sprint = UNSET
        else:
            sprint = self.sprint

        max_tokens: int | None | Unset
        if isinstance(self.max_tokens, Unset):
            max_tokens = UNSET
        else:
            max_tokens = self.max_tokens

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "repo_id": repo_id,
            }
        )
        if instruction is not UNSET:
            field_dict["instruction"] = instruction
        if jira_issue is not UNSET:
            field_dict["jira_issue"] = jira_issue
        if sprint is not UNSET:
            field_dict["sprint"] = sprint
        if max_tokens is not UNSET:
            field_dict["max_tokens"] = max_tokens

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        repo_id = d.pop("repo_id")

        def _parse_instruction(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        instruction = _parse_instruction(d.pop("instruction", UNSET))

        def _parse_jira_issue(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        jira_issue = _parse_jira_issue(d.pop("jira_issue", UNSET))

        def _parse_sprint(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        sprint = _parse_sprint(d.pop("sprint", UNSET))

        def _parse_max_tokens(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_tokens = _parse_max_tokens(d.pop("max_tokens", UNSET))

        task_create = cls(
            repo_id=repo_id,
            instruction=instruction,
            jira_issue=jira_issue,
            sprint=sprint,
            max_tokens=max_tokens,
        )

        task_create.additional_properties = d
        return task_create

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
