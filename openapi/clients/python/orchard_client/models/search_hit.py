from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.hit_source import HitSource


T = TypeVar("T", bound="SearchHit")


@_attrs_define
class SearchHit:
    """One hit.

    Example:
        {'id': '5d0c2b7e-8f1a-5b3c-9d4e-0f1a2b3c4d5e', 'score': 0.6200000047683716, 'source': {'blob_id':
            '4b825dc642cb6eb9a060e54bf8d69288fbee4904', 'end_line': 3, 'kind': 'chunk', 'path': 'src/signup.rs', 'repo_id':
            '0193a1c5-0a1b-7c2d-9e3f-4a5b6c7d8e9f', 'start_line': 1}, 'text': 'pub fn signup(email: &str) -> bool {\\n
            !email.is_empty()\\n}'}

    Attributes:
        id (UUID):
        score (float): Cosine similarity with the query, in [-1, 1]; best first.
        source (HitSource): Where a hit's text comes from: a repository chunk (repository, path, blob, lines) or a
            note (with the task that stored it, if any, and its metadata, if it has any). Example: {'blob_id':
            '4b825dc642cb6eb9a060e54bf8d69288fbee4904', 'end_line': 3, 'kind': 'chunk', 'path': 'src/signup.rs', 'repo_id':
            '0193a1c5-0a1b-7c2d-9e3f-4a5b6c7d8e9f', 'start_line': 1}.
        text (str):
    """

    id: UUID
    score: float
    source: HitSource
    text: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        score = self.score

        source = self.source.to_dict()

        text = self.text

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "score": score,
                "source": source,
                "text": text,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.hit_source import HitSource  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        score = d.pop("score")

        source = HitSource.from_dict(d.pop("source"))

        text = d.pop("text")

        search_hit = cls(
            id=id,
            score=score,
            source=source,
            text=text,
        )

        search_hit.additional_properties = d
        return search_hit

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
