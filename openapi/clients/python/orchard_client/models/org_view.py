from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="OrgView")


@_attrs_define
class OrgView:
    """An organization, its plan and the limits in effect.

    Example:
        {'created_at': '2026-12-04T09:30:00Z', 'id': '0193a1c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d', 'monthly_tokens': 1000000,
            'name': 'Acme', 'past_due': False, 'plan': 'free', 'tasks_per_month': 5}

    Attributes:
        id (UUID):
        name (str):
        plan (str): Billing plan.
        past_due (bool): A renewal payment failed.
        created_at (datetime.datetime):
        tasks_per_month (int | Unset): Tasks per calendar month (UTC) in effect; absent: unlimited.
        monthly_tokens (int | Unset): LLM tokens per calendar month in effect; absent: unlimited.
    """

    id: UUID
    name: str
    plan: str
    past_due: bool
    created_at: datetime.datetime
    tasks_per_month: int | Unset = UNSET
    monthly_tokens: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        name = self.name

        plan = self.plan

        past_due = self.past_due

        created_at = self.created_at.isoformat()

        tasks_per_month = self.tasks_per_month

        monthly_tokens = self.monthly_tokens

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "plan": plan,
                "past_due": past_due,
                "created_at": created_at,
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
        id = UUID(d.pop("id"))

        name = d.pop("name")

        plan = d.pop("plan")

        past_due = d.pop("past_due")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        tasks_per_month = d.pop("tasks_per_month", UNSET)

        monthly_tokens = d.pop("monthly_tokens", UNSET)

        org_view = cls(
            id=id,
            name=name,
            plan=plan,
            past_due=past_due,
            created_at=created_at,
            tasks_per_month=tasks_per_month,
            monthly_tokens=monthly_tokens,
        )

        org_view.additional_properties = d
        return org_view

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
