from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.search_hit import SearchHit


T = TypeVar("T", bound="SearchResults")


@_attrs_define
class SearchResults:
    """Search results, best first.

    Example:
        {'hits': [{'id': '5d0c2b7e-8f1a-5b3c-9d4e-0f1a2b3c4d5e', 'score': 0.6200000047683716, 'source': {'blob_id':
            '4b825dc642cb6eb9a060e54bf8d69288fbee4904', 'end_line': 3, 'kind': 'chunk', 'path': 'src/signup.rs', 'repo_id':
            '0193a1c5-0a1b-7c2d-9e3f-4a5b6c7d8e9f', 'start_line': 1}, 'text': 'pub fn signup(email: &str) -> bool {\\n
            !email.is_empty()\\n}'}, {'id': '0193a1c7-2c3d-7e4f-9a5b-6c7d8e9fa0b1', 'score': 0.4099999964237213, 'source':
            {'kind': 'note', 'metadata': {'source': 'slack', 'ticket': 'ENG-42'}}, 'text': 'Signup emails are validated in
            src/signup.rs; the form rejects empty addresses.'}]}

    Attributes:
        hits (list[SearchHit]):
    """

    hits: list[SearchHit]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        hits = []
        for hits_item_data in self.hits:
            hits_item = hits_item_data.to_dict()
            hits.append(hits_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "hits": hits,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.search_hit import SearchHit  # noqa: PLC0415

        d = dict(src_dict)
        hits = []
        _hits = d.pop("hits")
        for hits_item_data in _hits:
            hits_item = SearchHit.from_dict(hits_item_data)

            hits.append(hits_item)

        search_results = cls(
            hits=hits,
        )

        search_results.additional_properties = d
        return search_results

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
