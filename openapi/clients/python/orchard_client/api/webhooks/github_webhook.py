from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.github_webhook_body import GithubWebhookBody
from ...models.github_webhook_result import GithubWebhookResult
from ...types import UNSET, Response, Unset


def _get_kwargs(
    org_id: str,
    *,
    body: GithubWebhookBody,
    x_hub_signature_256: str | Unset = UNSET,
    x_git_hub_event: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_hub_signature_256, Unset):
        headers["X-Hub-Signature-256"] = x_hub_signature_256

    if not isinstance(x_git_hub_event, Unset):
        headers["X-GitHub-Event"] = x_git_hub_event

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/webhooks/github/{org_id}".format(
            org_id=quote(str(org_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorBody | GithubWebhookResult | None:
    if response.status_code == 200:
        response_200 = GithubWebhookResult.from_dict(response.json())

        return response_200

    if response.status_code == 202:
        response_202 = GithubWebhookResult.from_dict(response.json())

        return response_202

    if response.status_code == 400:
        response_400 = ErrorBody.from_dict(response.json())

        return response_400

    if response.status_code == 402:
        response_402 = ErrorBody.from_dict(response.json())

        return response_402

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


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorBody | GithubWebhookResult]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    org_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: GithubWebhookBody,
    x_hub_signature_256: str | Unset = UNSET,
    x_git_hub_event: str | Unset = UNSET,
) -> Response[ErrorBody | GithubWebhookResult]:
    """An organization's GitHub webhook (content type `application/json`, event "Issues"):
    an issue labelled `orchard` on one of its registered GitHub repositories becomes a
    task: title and body as the instruction, milestone as the sprint label. Set it up by
    storing the webhook's secret with `PUT /v1/credentials/github_webhook`.

    Args:
        org_id (str):  Example: 0193a1c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d.
        x_hub_signature_256 (str | Unset):  Example:
            sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17.
        x_git_hub_event (str | Unset):  Example: issues.
        body (GithubWebhookBody): A GitHub webhook delivery, exactly as GitHub sent it (the
            signature covers these bytes). `issues` events are read; others are ignored. Example:
            {'action': 'labeled', 'issue': {'body': 'Reject empty emails with 400.', 'html_url':
            'https://github.com/acme/signup-service/issues/42', 'labels': [{'name': 'orchard'}],
            'milestone': {'title': 'Sprint 7'}, 'number': 42, 'title': 'Validate the signup input'},
            'label': {'name': 'orchard'}, 'repository': {'full_name': 'acme/signup-service'}}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | GithubWebhookResult]
    """

    kwargs = _get_kwargs(
        org_id=org_id,
        body=body,
        x_hub_signature_256=x_hub_signature_256,
        x_git_hub_event=x_git_hub_event,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    org_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: GithubWebhookBody,
    x_hub_signature_256: str | Unset = UNSET,
    x_git_hub_event: str | Unset = UNSET,
) -> ErrorBody | GithubWebhookResult | None:
    """An organization's GitHub webhook (content type `application/json`, event "Issues"):
    an issue labelled `orchard` on one of its registered GitHub repositories becomes a
    task: title and body as the instruction, milestone as the sprint label. Set it up by
    storing the webhook's secret with `PUT /v1/credentials/github_webhook`.

    Args:
        org_id (str):  Example: 0193a1c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d.
        x_hub_signature_256 (str | Unset):  Example:
            sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17.
        x_git_hub_event (str | Unset):  Example: issues.
        body (GithubWebhookBody): A GitHub webhook delivery, exactly as GitHub sent it (the
            signature covers these bytes). `issues` events are read; others are ignored. Example:
            {'action': 'labeled', 'issue': {'body': 'Reject empty emails with 400.', 'html_url':
            'https://github.com/acme/signup-service/issues/42', 'labels': [{'name': 'orchard'}],
            'milestone': {'title': 'Sprint 7'}, 'number': 42, 'title': 'Validate the signup input'},
            'label': {'name': 'orchard'}, 'repository': {'full_name': 'acme/signup-service'}}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | GithubWebhookResult
    """

    return sync_detailed(
        org_id=org_id,
        client=client,
        body=body,
        x_hub_signature_256=x_hub_signature_256,
        x_git_hub_event=x_git_hub_event,
    ).parsed


async def asyncio_detailed(
    org_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: GithubWebhookBody,
    x_hub_signature_256: str | Unset = UNSET,
    x_git_hub_event: str | Unset = UNSET,
) -> Response[ErrorBody | GithubWebhookResult]:
    """An organization's GitHub webhook (content type `application/json`, event "Issues"):
    an issue labelled `orchard` on one of its registered GitHub repositories becomes a
    task: title and body as the instruction, milestone as the sprint label. Set it up by
    storing the webhook's secret with `PUT /v1/credentials/github_webhook`.

    Args:
        org_id (str):  Example: 0193a1c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d.
        x_hub_signature_256 (str | Unset):  Example:
            sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17.
        x_git_hub_event (str | Unset):  Example: issues.
        body (GithubWebhookBody): A GitHub webhook delivery, exactly as GitHub sent it (the
            signature covers these bytes). `issues` events are read; others are ignored. Example:
            {'action': 'labeled', 'issue': {'body': 'Reject empty emails with 400.', 'html_url':
            'https://github.com/acme/signup-service/issues/42', 'labels': [{'name': 'orchard'}],
            'milestone': {'title': 'Sprint 7'}, 'number': 42, 'title': 'Validate the signup input'},
            'label': {'name': 'orchard'}, 'repository': {'full_name': 'acme/signup-service'}}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | GithubWebhookResult]
    """

    kwargs = _get_kwargs(
        org_id=org_id,
        body=body,
        x_hub_signature_256=x_hub_signature_256,
        x_git_hub_event=x_git_hub_event,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    org_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: GithubWebhookBody,
    x_hub_signature_256: str | Unset = UNSET,
    x_git_hub_event: str | Unset = UNSET,
) -> ErrorBody | GithubWebhookResult | None:
    """An organization's GitHub webhook (content type `application/json`, event "Issues"):
    an issue labelled `orchard` on one of its registered GitHub repositories becomes a
    task: title and body as the instruction, milestone as the sprint label. Set it up by
    storing the webhook's secret with `PUT /v1/credentials/github_webhook`.

    Args:
        org_id (str):  Example: 0193a1c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d.
        x_hub_signature_256 (str | Unset):  Example:
            sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17.
        x_git_hub_event (str | Unset):  Example: issues.
        body (GithubWebhookBody): A GitHub webhook delivery, exactly as GitHub sent it (the
            signature covers these bytes). `issues` events are read; others are ignored. Example:
            {'action': 'labeled', 'issue': {'body': 'Reject empty emails with 400.', 'html_url':
            'https://github.com/acme/signup-service/issues/42', 'labels': [{'name': 'orchard'}],
            'milestone': {'title': 'Sprint 7'}, 'number': 42, 'title': 'Validate the signup input'},
            'label': {'name': 'orchard'}, 'repository': {'full_name': 'acme/signup-service'}}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | GithubWebhookResult
    """

    return (
        await asyncio_detailed(
            org_id=org_id,
            client=client,
            body=body,
            x_hub_signature_256=x_hub_signature_256,
            x_git_hub_event=x_git_hub_event,
        )
    ).parsed
