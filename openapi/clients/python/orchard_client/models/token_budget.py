from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="TokenBudget")


@_attrs_define
class TokenBudget:
    """Tokens charged to the month against the plan's budget.

    Attributes:
        prompt (int):
        completion (int):
        total (int):
        budget (int | Unset): The monthly budget; absent when unlimited.
    """

    prompt: int
    completion: int
    total: int
    budget: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        prompt = self.prompt

        completion = self.completion

        total = self.total

        budget = self.budget

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "prompt": prompt,
                "completion": completion,
                "total": total,
            }
        )
        if budget is not UNSET:
            field_dict["budget"] = budget

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        prompt = d.pop("prompt")

        completion = d.pop("completion")

        total = d.pop("total")

        budget = d.pop("budget", UNSET)

        token_budget = cls(
            prompt=prompt,
            completion=completion,
            total=total,
            budget=budget,
        )

        token_budget.additional_properties = d
        return token_budget

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
