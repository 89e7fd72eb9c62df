from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.sprint_usage import SprintUsage
    from ..models.task_quota import TaskQuota
    from ..models.task_usage import TaskUsage
    from ..models.token_budget import TokenBudget


T = TypeVar("T", bound="UsageReportView")


@_attrs_define
class UsageReportView:
    """An org's usage in one month (UTC).

    Example:
        {'by_sprint': [{'cost_micros': 5784, 'sprint': '2026-W49', 'tokens': {'completion': 2020, 'prompt': 30480,
            'total': 32500}}], 'by_task': [{'cost_micros': 3522, 'sprint': '2026-W49', 'task_id':
            '0193a1c6-1b2c-7d3e-8f4a-5b6c7d8e9fa0', 'tokens': {'completion': 1310, 'prompt': 18240, 'total': 19550}},
            {'cost_micros': 2262, 'sprint': '2026-W49', 'task_id': '0193a1c5-ffee-7dcb-a987-6543210fedcb', 'tokens':
            {'completion': 710, 'prompt': 12240, 'total': 12950}}], 'cost_micros': 5784, 'cost_usd': 0.005784, 'period':
            '2026-12', 'plan': 'free', 'tasks': {'quota': 5, 'used': 2}, 'tokens': {'budget': 1000000, 'completion': 2020,
            'prompt': 30480, 'total': 32500}}

    Attributes:
        period (str): `YYYY-MM`.
        plan (str): The org's plan now.
        tasks (TaskQuota): Tasks submitted in the month against the plan's quota.
        tokens (TokenBudget): Tokens charged to the month against the plan's budget.
        cost_micros (int): Cost of every LLM call charged to the month, in micro-dollars (exact).
        cost_usd (float): The same in USD, for display.
        by_sprint (list[SprintUsage]): By sprint label.
        by_task (list[TaskUsage]): A page of the tasks with LLM calls in the month, by id.
        next_cursor (str | Unset): Pass as `cursor` for the next page of `by_task`; absent on the last page.
    """

    period: str
    plan: str
    tasks: TaskQuota
    tokens: TokenBudget
    cost_micros: int
    cost_usd: float
    by_sprint: list[SprintUsage]
    by_task: list[TaskUsage]
    next_cursor: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        period = self.period

        plan = self.plan

        tasks = self.tasks.to_dict()

        tokens = self.tokens.to_dict()

        cost_micros = self.cost_micros

        cost_usd = self.cost_usd

        by_sprint = []
        for by_sprint_item_data in self.by_sprint:
            by_sprint_item = by_sprint_item_data.to_dict()
            by_sprint.append(by_sprint_item)

        by_task = []
        for by_task_item_data in self.by_task:
            by_task_item = by_task_item_data.to_dict()
            by_task.append(by_task_item)

        next_cursor = self.next_cursor

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "period": period,
                "plan": plan,
                "tasks": tasks,
                "tokens": tokens,
                "cost_micros": cost_micros,
                "cost_usd": cost_usd,
                "by_sprint": by_sprint,
                "by_task": by_task,
            }
        )
        if next_cursor is not UNSET:
            field_dict["next_cursor"] = next_cursor

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.sprint_usage import SprintUsage  # noqa: PLC0415
        from ..models.task_quota import TaskQuota  # noqa: PLC0415
        from ..models.task_usage import TaskUsage  # noqa: PLC0415
        from ..models.token_budget import TokenBudget  # noqa: PLC0415

        d = dict(src_dict)
        period = d.pop("period")

        plan = d.pop("plan")

        tasks = TaskQuota.from_dict(d.pop("tasks"))

        tokens = TokenBudget.from_dict(d.pop("tokens"))

        cost_micros = d.pop("cost_micros")

        cost_usd = d.pop("cost_usd")

        by_sprint = []
        _by_sprint = d.pop("by_sprint")
        for by_sprint_item_data in _by_sprint:
            by_sprint_item = SprintUsage.from_dict(by_sprint_item_data)

            by_sprint.append(by_sprint_item)

        by_task = []
        _by_task = d.pop("by_task")
        for by_task_item_data in _by_task:
            by_task_item = TaskUsage.from_dict(by_task_item_data)

            by_task.append(by_task_item)

        next_cursor = d.pop("next_cursor", UNSET)

        usage_report_view = cls(
            period=period,
            plan=plan,
            tasks=tasks,
            tokens=tokens,
            cost_micros=cost_micros,
            cost_usd=cost_usd,
            by_sprint=by_sprint,
            by_task=by_task,
            next_cursor=next_cursor,
        )

        usage_report_view.additional_properties = d
        return usage_report_view

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
