from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.actor_tree import ActorTree
from ...models.error_body import ErrorBody
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    org: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["org"] = org

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/admin/actors",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ActorTree | ErrorBody | None:
    if response.status_code == 200:
        response_200 = ActorTree.from_dict(response.json())

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

    if response.status_code == 404:
        response_404 = ErrorBody.from_dict(response.json())

        return response_404

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
) -> Response[ActorTree | ErrorBody]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    org: str | Unset = UNSET,
) -> Response[ActorTree | ErrorBody]:
    """The live actor tree of this node: every actor with its kind, org, status, start,
    restarts, last failure, messages handled and queue depth. Each node of a cluster has
    its own tree (an org's supervisor lives on every node that runs its tasks). Read
    without stopping any actor.

    Args:
        org (str | Unset):  Example: 0193a1c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ActorTree | ErrorBody]
    """

    kwargs = _get_kwargs(
        org=org,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    org: str | Unset = UNSET,
) -> ActorTree | ErrorBody | None:
    """The live actor tree of this node: every actor with its kind, org, status, start,
    restarts, last failure, messages handled and queue depth. Each node of a cluster has
    its own tree (an org's supervisor lives on every node that runs its tasks). Read
    without stopping any actor.

    Args:
        org (str | Unset):  Example: 0193a1c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ActorTree | ErrorBody
    """

    return sync_detailed(
        client=client,
        org=org,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    org: str | Unset = UNSET,
) -> Response[ActorTree | ErrorBody]:
    """The live actor tree of this node: every actor with its kind, org, status, start,
    restarts, last failure, messages handled and queue depth. Each node of a cluster has
    its own tree (an org's supervisor lives on every node that runs its tasks). Read
    without stopping any actor.

    Args:
        org (str | Unset):  Example: 0193a1c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ActorTree | ErrorBody]
    """

    kwargs = _get_kwargs(
        org=org,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    org: str | Unset = UNSET,
) -> ActorTree | ErrorBody | None:
    """The live actor tree of this node: every actor with its kind, org, status, start,
    restarts, last failure, messages handled and queue depth. Each node of a cluster has
    its own tree (an org's supervisor lives on every node that runs its tasks). Read
    without stopping any actor.

    Args:
        org (str | Unset):  Example: 0193a1c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ActorTree | ErrorBody
    """

    return (
        await asyncio_detailed(
            client=client,
            org=org,
        )
    ).parsed
