from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.credential_put import CredentialPut
from ...models.credential_view import CredentialView
from ...models.error_body import ErrorBody
from ...types import Response


def _get_kwargs(
    provider: str,
    *,
    body: CredentialPut,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/v1/credentials/{provider}".format(
            provider=quote(str(provider), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json; charset=utf-8"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CredentialView | ErrorBody | None:
    if response.status_code == 200:
        response_200 = CredentialView.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorBody.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorBody.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorBody.from_dict(response.json())

        return response_403

    if response.status_code == 413:
        response_413 = ErrorBody.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = ErrorBody.from_dict(response.json())

        return response_415

    if response.status_code == 429:
        response_429 = ErrorBody.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = ErrorBody.from_dict(response.json())

        return response_500

    if response.status_code == 503:
        response_503 = ErrorBody.from_dict(response.json())

        return response_503

    if response.status_code == 504:
        response_504 = ErrorBody.from_dict(response.json())

        return response_504

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[CredentialView | ErrorBody]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    provider: str,
    *,
    client: AuthenticatedClient,
    body: CredentialPut,
) -> Response[CredentialView | ErrorBody]:
    """Store the organization's secret for a provider (owner or admin). Replaces the earlier
    one; the secret is encrypted before it is stored and never returned.

    Args:
        provider (str):  Example: github.
        body (CredentialPut): A secret to store (replacing the provider's earlier one). Example:
            {'base_url': None, 'scopes_note': 'repo', 'username': 'x-access-token'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CredentialView | ErrorBody]
    """

    kwargs = _get_kwargs(
        provider=provider,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    provider: str,
    *,
    client: AuthenticatedClient,
    body: CredentialPut,
) -> CredentialView | ErrorBody | None:
    """Store the organization's secret for a provider (owner or admin). Replaces the earlier
    one; the secret is encrypted before it is stored and never returned.

    Args:
        provider (str):  Example: github.
        body (CredentialPut): A secret to store (replacing the provider's earlier one). Example:
            {'base_url': None, 'scopes_note': 'repo', 'username': 'x-access-token'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CredentialView | ErrorBody
    """

    return sync_detailed(
        provider=provider,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    provider: str,
    *,
    client: AuthenticatedClient,
    body: CredentialPut,
) -> Response[CredentialView | ErrorBody]:
    """Store the organization's secret for a provider (owner or admin). Replaces the earlier
    one; the secret is encrypted before it is stored and never returned.

    Args:
        provider (str):  Example: github.
        body (CredentialPut): A secret to store (replacing the provider's earlier one). Example:
            {'base_url': None, 'scopes_note': 'repo', 'username': 'x-access-token'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CredentialView | ErrorBody]
    """

    kwargs = _get_kwargs(
        provider=provider,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    provider: str,
    *,
    client: AuthenticatedClient,
    body: CredentialPut,
) -> CredentialView | ErrorBody | None:
    """Store the organization's secret for a provider (owner or admin). Replaces the earlier
    one; the secret is encrypted before it is stored and never returned.

    Args:
        provider (str):  Example: github.
        body (CredentialPut): A secret to store (replacing the provider's earlier one). Example:
            {'base_url': None, 'scopes_note': 'repo', 'username': 'x-access-token'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CredentialView | ErrorBody
    """

    return (
        await asyncio_detailed(
            provider=provider,
            client=client,
            body=body,
        )
    ).parsed
