from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.org_view import OrgView
from ...models.plan_change_body import PlanChangeBody
from ...types import Response


def _get_kwargs(
    id: str,
    *,
    body: PlanChangeBody,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/v1/admin/orgs/{id}/plan".format(
            id=quote(str(id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json; charset=utf-8"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorBody | OrgView | None:
    if response.status_code == 200:
        response_200 = OrgView.from_dict(response.json())

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

    if response.status_code == 413:
        response_413 = ErrorBody.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = ErrorBody.from_dict(response.json())

        return response_415

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorBody | OrgView]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    id: str,
    *,
    client: AuthenticatedClient,
    body: PlanChangeBody,
) -> Response[ErrorBody | OrgView]:
    """Puts an organization on a plan, optionally with its own limits. Quotas and budgets
    apply from the next submission and the next LLM call; the concurrency cap from the
    org's next run on each node.

    Args:
        id (str):  Example: 0193a1c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d.
        body (PlanChangeBody): A new plan for an organization. Example: {'monthly_tokens':
            500000000, 'plan': 'enterprise', 'tasks_per_month': 10000}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | OrgView]
    """

    kwargs = _get_kwargs(
        id=id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    id: str,
    *,
    client: AuthenticatedClient,
    body: PlanChangeBody,
) -> ErrorBody | OrgView | None:
    """Puts an organization on a plan, optionally with its own limits. Quotas and budgets
    apply from the next submission and the next LLM call; the concurrency cap from the
    org's next run on each node.

    Args:
        id (str):  Example: 0193a1c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d.
        body (PlanChangeBody): A new plan for an organization. Example: {'monthly_tokens':
            500000000, 'plan': 'enterprise', 'tasks_per_month': 10000}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | OrgView
    """

    return sync_detailed(
        id=id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    id: str,
    *,
    client: AuthenticatedClient,
    body: PlanChangeBody,
) -> Response[ErrorBody | OrgView]:
    """Puts an organization on a plan, optionally with its own limits. Quotas and budgets
    apply from the next submission and the next LLM call; the concurrency cap from the
    org's next run on each node.

    Args:
        id (str):  Example: 0193a1c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d.
        body (PlanChangeBody): A new plan for an organization. Example: {'monthly_tokens':
            500000000, 'plan': 'enterprise', 'tasks_per_month': 10000}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | OrgView]
    """

    kwargs = _get_kwargs(
        id=id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: str,
    *,
    client: AuthenticatedClient,
    body: PlanChangeBody,
) -> ErrorBody | OrgView | None:
    """Puts an organization on a plan, optionally with its own limits. Quotas and budgets
    apply from the next submission and the next LLM call; the concurrency cap from the
    org's next run on each node.

    Args:
        id (str):  Example: 0193a1c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d.
        body (PlanChangeBody): A new plan for an organization. Example: {'monthly_tokens':
            500000000, 'plan': 'enterprise', 'tasks_per_month': 10000}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | OrgView
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            body=body,
        )
    ).parsed
