from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="PlanChangeBody")


@_attrs_define
class PlanChangeBody:
    """A new plan for an organization.

    Example:
        {'monthly_tokens': 500000000, 'plan': 'enterprise', 'tasks_per_month': 10000}

    Attributes:
        plan (str): A plan of the configuration (`free`, `pro`, `enterprise`, ...).
        tasks_per_month (int | None | Unset): The org's own monthly task quota (an enterprise contract); absent: the
            plan's.
        monthly_tokens (int | None | Unset): The org's own monthly token budget; absent: the plan's.
    """

    plan: str
    tasks_per_month: int | None | Unset = UNSET
    monthly_tokens: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        plan = self.plan

        tasks_per_month: int | None | Unset
        if isinstance(self.tasks_per_month, Unset):
            tasks_per_month = UNSET
        else:
            tasks_per_month = self.tasks_per_month

        monthly_tokens: int | None | Unset
        if isinstance(self.monthly_tokens, Unset):
            monthly_tokens = UNSET
        else:
            monthly_tokens = self.monthly_tokens

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "plan": plan,
            }
        )
        if tasks_per_month is not UNSET:
            field_dict["tasks_per_month"] = tasks_per_month
        if monthly_tokens is not UNSET:
            field_dict["monthly_tokens"] = monthly_tokens

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        plan = d.pop("plan")

        def _parse_tasks_per_month(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        tasks_per_month = _parse_tasks_per_month(d.pop("tasks_per_month", UNSET))

        def _parse_monthly_tokens(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        monthly_tokens = _parse_monthly_tokens(d.pop("monthly_tokens", UNSET))

        plan_change_body = cls(
            plan=plan,
            tasks_per_month=tasks_per_month,
            monthly_tokens=monthly_tokens,
        )

        plan_change_body.additional_properties = d
        return plan_change_body

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
