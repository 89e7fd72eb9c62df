from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="NoteCreateMetadataType0")


@_attrs_define
class NoteCreateMetadataType0:
    """Your own labels for the note, returned with it and with every hit of it (they are not
    embedded and not searched): a flat object of strings, like
    `{"source": "slack", "ticket": "ENG-42"}`. At most 16 keys; each key 1 to 40 bytes of
    `A-Z a-z 0-9 _ . -`; each value a string of at most 500 bytes (UTF-8) without control
    characters. Breaking a limit is a 400 `invalid_input`; a value that is not a string,
    or metadata that is not an object, a 400 `bad_request`.

    """

    additional_properties: dict[str, str] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        note_create_metadata_type_0 = cls()

        note_create_metadata_type_0.additional_properties = d
        return note_create_metadata_type_0

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> str:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: str) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
