from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.task_view_error import TaskViewError
    from ..models.tokens import Tokens


T = TypeVar("T", bound="TaskView")


@_attrs_define
class TaskView:
    """A task and its progress.

    Example:
        {'attempts': 1, 'branch': 'orchard/0193a1c6-1b2c-7d3e-8f4a-5b6c7d8e9fa0', 'changed_files': ['src/signup.rs'],
            'commit': '3f9c2b7e41d05a8c6e2f1b9d7a4c3e5f60718293', 'cost_micros': 3522, 'cost_usd': 0.003522, 'created_at':
            '2026-12-04T09:30:00Z', 'id': '0193a1c6-1b2c-7d3e-8f4a-5b6c7d8e9fa0', 'instruction': 'add input validation to
            the signup handler', 'llm_calls': 4, 'max_tokens': 200000, 'pull_request_url': 'https://github.com/acme/signup-
            service/pull/42', 'quota_period': '2026-12', 'quota_released': False, 'repo_id':
            '0193a1c5-0a1b-7c2d-9e3f-4a5b6c7d8e9f', 'sprint': '2026-W49', 'status': 'succeeded', 'summary': 'Validate the
            email and password in signup; reject bad input with 400.', 'tokens': {'completion': 1310, 'prompt': 18240,
            'total': 19550}, 'updated_at': '2026-12-04T09:31:35Z'}

    Attributes:
        id (UUID):
        repo_id (UUID):
        instruction (str):
        status (str): `queued`, `running`, `succeeded`, `failed` or `cancelled`.
        attempts (int): Runs started for this task.
        changed_files (list[str]): Files the agent changed.
        tokens (Tokens): Token counts.
        llm_calls (int): LLM calls made.
        cost_micros (int): Cost in micro-dollars (millionths of a USD) at the configured prices: exact, and what
            usage reports add up.
        cost_usd (float): The same in USD, for display.
        quota_period (str): The month (`YYYY-MM`, UTC) whose task quota it counts against.
        quota_released (bool): It ended without an LLM call and gave its quota slot back.
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        jira_issue (str | Unset): The Jira issue the task was made from.
        sprint (str | Unset):
        max_tokens (int | Unset):
        branch (str | Unset): Branch the result was pushed to; absent when the agent changed nothing.
        commit (str | Unset): Commit pushed.
        pull_request_url (str | Unset): The pull request opened (or found open) for the branch, on GitHub or Azure
            DevOps.
        summary (str | Unset): The agent's summary.
        error (TaskViewError | Unset): Why the task failed.
    """

    id: UUID
    repo_id: UUID
    instruction: str
    status: str
    attempts: int
    changed_files: list[str]
    tokens: Tokens
    llm_calls: int
    cost_micros: int
    cost_usd: float
    quota_period: str
    quota_released: bool
    created_at: datetime.datetime
    updated_at: datetime.datetime
    jira_issue: str | Unset = UNSET
    sprint: str | Unset = UNSET
    max_tokens: int | Unset = UNSET
    branch: str | Unset = UNSET
    commit: str | Unset = UNSET
    pull_request_url: str | Unset = UNSET
    summary: str | Unset = UNSET
    error: TaskViewError | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        repo_id = str(self.repo_id)

        instruction = self.instruction

        status = self.status

        attempts = self.attempts

        changed_files = self.changed_files

        tokens = self.tokens.to_dict()

        llm_calls = self.llm_calls

        cost_micros = self.cost_micros

        cost_usd = self.cost_usd

        quota_period = self.quota_period

        quota_released = self.quota_released

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        jira_issue = self.jira_issue

        sprint = self.sprint

        max_tokens = self.max_tokens

        branch = self.branch

        commit = self.commit

        pull_request_url = self.pull_request_url

        summary = self.summary

        error: dict[str, Any] | Unset = UNSET
        if not isinstance(self.error, Unset):
            error = self.error.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "repo_id": repo_id,
                "instruction": instruction,
                "status": status,
                "attempts": attempts,
                "changed_files": changed_files,
                "tokens": tokens,
                "llm_calls": llm_calls,
                "cost_micros": cost_micros,
                "cost_usd": cost_usd,
                "quota_period": quota_period,
                "quota_released": quota_released,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )
        if jira_issue is not UNSET:
            field_dict["jira_issue"] = jira_issue
        if sprint is not UNSET:
            field_dict["sprint"] = sprint
        if max_tokens is not UNSET:
            field_dict["max_tokens"] = max_tokens
        if branch is not UNSET:
            field_dict["branch"] = branch
        if commit is not UNSET:
            field_dict["commit"] = commit
        if pull_request_url is not UNSET:
            field_dict["pull_request_url"] = pull_request_url
        if summary is not UNSET:
            field_dict["summary"] = summary
        if error is not UNSET:
            field_dict["error"] = error

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.task_view_error import TaskViewError  # noqa: PLC0415
        from ..models.tokens import Tokens  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        repo_id = UUID(d.pop("repo_id"))

        instruction = d.pop("instruction")

        status = d.pop("status")

        attempts = d.pop("attempts")

        changed_files = cast(list[str], d.pop("changed_files"))

        tokens = Tokens.from_dict(d.pop("tokens"))

        llm_calls = d.pop("llm_calls")

        cost_micros = d.pop("cost_micros")

        cost_usd = d.pop("cost_usd")

        quota_period = d.pop("quota_period")

        quota_released = d.pop("quota_released")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        jira_issue = d.pop("jira_issue", UNSET)

        sprint = d.pop("sprint", UNSET)

        max_tokens = d.pop("max_tokens", UNSET)

        branch = d.pop("branch", UNSET)

        commit = d.pop("commit", UNSET)

        pull_request_url = d.pop("pull_request_url", UNSET)

        summary = d.pop("summary", UNSET)

        _error = d.pop("error", UNSET)
        error: TaskViewError | Unset
        if isinstance(_error, Unset):
            error = UNSET
        else:
            error = TaskViewError.from_dict(_error)

        task_view = cls(
            id=id,
            repo_id=repo_id,
            instruction=instruction,
            status=status,
            attempts=attempts,
            changed_files=changed_files,
            tokens=tokens,
            llm_calls=llm_calls,
            cost_micros=cost_micros,
            cost_usd=cost_usd,
            quota_period=quota_period,
            quota_released=quota_released,
            created_at=created_at,
            updated_at=updated_at,
            jira_issue=jira_issue,
            sprint=sprint,
            max_tokens=max_tokens,
            branch=branch,
            commit=commit,
            pull_request_url=pull_request_url,
            summary=summary,
            error=error,
        )

        task_view.additional_properties = d
        return task_view

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
