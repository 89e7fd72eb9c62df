from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.note_stored_source import NoteStoredSource


T = TypeVar("T", bound="NoteStored")


@_attrs_define
class NoteStored:
    """A stored note.

    Example:
        {'id': '0193a1c7-2c3d-7e4f-9a5b-6c7d8e9fa0b1', 'source': {'kind': 'note', 'metadata': {'source': 'slack',
            'ticket': 'ENG-42'}}}

    Attributes:
        id (UUID): Its id.
        source (NoteStoredSource): Where it comes from (a note without a task), with its metadata if it has any.
    """

    id: UUID
    source: NoteStoredSource
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        source = self.source.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "source": source,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.note_stored_source import NoteStoredSource  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        source = NoteStoredSource.from_dict(d.pop("source"))

        note_stored = cls(
            id=id,
            source=source,
        )

        note_stored.additional_properties = d
        return note_stored

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
