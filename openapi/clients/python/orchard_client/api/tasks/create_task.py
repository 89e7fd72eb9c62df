from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.task_accepted import TaskAccepted
from ...models.task_create import TaskCreate
from ...types import Response


def _get_kwargs(
    *,
    body: TaskCreate,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/tasks",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json; charset=utf-8"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorBody | TaskAccepted | None:
    if response.status_code == 202:
        response_202 = TaskAccepted.from_dict(response.json())

        return response_202

    if response.status_code == 400:
        response_400 = ErrorBody.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorBody.from_dict(response.json())

        return response_401

    if response.status_code == 402:
        response_402 = ErrorBody.from_dict(response.json())

        return response_402

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

    if response.status_code == 429:
        response_429 = ErrorBody.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = ErrorBody.from_dict(response.json())

        return response_500

    if response.status_code == 502:
        response_502 = ErrorBody.from_dict(response.json())

        return response_502

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
) -> Response[ErrorBody | TaskAccepted]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: TaskCreate,
) -> Response[ErrorBody | TaskAccepted]:
    """Submit a task; it is queued and picked up by an agent run.

    Args:
        body (TaskCreate): A task to run. Example: {'instruction': 'add input validation to the
            signup handler', 'jira_issue': None, 'max_tokens': 200000, 'repo_id':
            '0193a1c5-0a1b-7c2d-9e3f-4a5b6c7d8e9f', 'sprint': '2026-W49'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | TaskAccepted]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: TaskCreate,
) -> ErrorBody | TaskAccepted | None:
    """Submit a task; it is queued and picked up by an agent run.

    Args:
        body (TaskCreate): A task to run. Example: {'instruction': 'add input validation to the
            signup handler', 'jira_issue': None, 'max_tokens': 200000, 'repo_id':
            '0193a1c5-0a1b-7c2d-9e3f-4a5b6c7d8e9f', 'sprint': '2026-W49'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | TaskAccepted
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: TaskCreate,
) -> Response[ErrorBody | TaskAccepted]:
    """Submit a task; it is queued and picked up by an agent run.

    Args:
        body (TaskCreate): A task to run. Example: {'instruction': 'add input validation to the
            signup handler', 'jira_issue': None, 'max_tokens': 200000, 'repo_id':
            '0193a1c5-0a1b-7c2d-9e3f-4a5b6c7d8e9f', 'sprint': '2026-W49'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | TaskAccepted]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: TaskCreate,
) -> ErrorBody | TaskAccepted | None:
    """Submit a task; it is queued and picked up by an agent run.

    Args:
        body (TaskCreate): A task to run. Example: {'instruction': 'add input validation to the
            signup handler', 'jira_issue': None, 'max_tokens': 200000, 'repo_id':
            '0193a1c5-0a1b-7c2d-9e3f-4a5b6c7d8e9f', 'sprint': '2026-W49'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | TaskAccepted
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
