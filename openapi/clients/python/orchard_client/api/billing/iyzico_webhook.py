from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.iyzico_webhook_body import IyzicoWebhookBody
from ...models.webhook_result import WebhookResult
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: IyzicoWebhookBody,
    x_iyz_signature_v3: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_iyz_signature_v3, Unset):
        headers["X-IYZ-SIGNATURE-V3"] = x_iyz_signature_v3

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/webhooks/iyzico",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorBody | WebhookResult | None:
    if response.status_code == 200:
        response_200 = WebhookResult.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorBody.from_dict(response.json())

        return response_400

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
) -> Response[ErrorBody | WebhookResult]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: IyzicoWebhookBody,
    x_iyz_signature_v3: str | Unset = UNSET,
) -> Response[ErrorBody | WebhookResult]:
    """Iyzico's subscription webhook (`subscription.order.success` / `.failure`), verified
    with `X-IYZ-SIGNATURE-V3`. The customer reference code names the org, as registered
    with `PUT /v1/admin/orgs/{id}/iyzico-customer`.

    Args:
        x_iyz_signature_v3 (str | Unset):  Example:
            9b1a1ba4b0c2d9b1f3f1a2b5c8e7d6f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8.
        body (IyzicoWebhookBody): An Iyzico subscription event, exactly as Iyzico sent it (the
            signature covers its fields). Example: {'customerReferenceCode': 'acme-7f3a',
            'iyziEventTime': 1796376600000, 'iyziEventType': 'subscription.order.success',
            'iyziReferenceCode': 'b4e2f0a1-3c5d-4e6f-8a9b-0c1d2e3f4a5b', 'orderReferenceCode':
            '1a2b3c4d-5e6f-7081-92a3-b4c5d6e7f809', 'subscriptionReferenceCode':
            '9f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | WebhookResult]
    """

    kwargs = _get_kwargs(
        body=body,
        x_iyz_signature_v3=x_iyz_signature_v3,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: IyzicoWebhookBody,
    x_iyz_signature_v3: str | Unset = UNSET,
) -> ErrorBody | WebhookResult | None:
    """Iyzico's subscription webhook (`subscription.order.success` / `.failure`), verified
    with `X-IYZ-SIGNATURE-V3`. The customer reference code names the org, as registered
    with `PUT /v1/admin/orgs/{id}/iyzico-customer`.

    Args:
        x_iyz_signature_v3 (str | Unset):  Example:
            9b1a1ba4b0c2d9b1f3f1a2b5c8e7d6f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8.
        body (IyzicoWebhookBody): An Iyzico subscription event, exactly as Iyzico sent it (the
            signature covers its fields). Example: {'customerReferenceCode': 'acme-7f3a',
            'iyziEventTime': 1796376600000, 'iyziEventType': 'subscription.order.success',
            'iyziReferenceCode': 'b4e2f0a1-3c5d-4e6f-8a9b-0c1d2e3f4a5b', 'orderReferenceCode':
            '1a2b3c4d-5e6f-7081-92a3-b4c5d6e7f809', 'subscriptionReferenceCode':
            '9f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | WebhookResult
    """

    return sync_detailed(
        client=client,
        body=body,
        x_iyz_signature_v3=x_iyz_signature_v3,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: IyzicoWebhookBody,
    x_iyz_signature_v3: str | Unset = UNSET,
) -> Response[ErrorBody | WebhookResult]:
    """Iyzico's subscription webhook (`subscription.order.success` / `.failure`), verified
    with `X-IYZ-SIGNATURE-V3`. The customer reference code names the org, as registered
    with `PUT /v1/admin/orgs/{id}/iyzico-customer`.

    Args:
        x_iyz_signature_v3 (str | Unset):  Example:
            9b1a1ba4b0c2d9b1f3f1a2b5c8e7d6f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8.
        body (IyzicoWebhookBody): An Iyzico subscription event, exactly as Iyzico sent it (the
            signature covers its fields). Example: {'customerReferenceCode': 'acme-7f3a',
            'iyziEventTime': 1796376600000, 'iyziEventType': 'subscription.order.success',
            'iyziReferenceCode': 'b4e2f0a1-3c5d-4e6f-8a9b-0c1d2e3f4a5b', 'orderReferenceCode':
            '1a2b3c4d-5e6f-7081-92a3-b4c5d6e7f809', 'subscriptionReferenceCode':
            '9f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | WebhookResult]
    """

    kwargs = _get_kwargs(
        body=body,
        x_iyz_signature_v3=x_iyz_signature_v3,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: IyzicoWebhookBody,
    x_iyz_signature_v3: str | Unset = UNSET,
) -> ErrorBody | WebhookResult | None:
    """Iyzico's subscription webhook (`subscription.order.success` / `.failure`), verified
    with `X-IYZ-SIGNATURE-V3`. The customer reference code names the org, as registered
    with `PUT /v1/admin/orgs/{id}/iyzico-customer`.

    Args:
        x_iyz_signature_v3 (str | Unset):  Example:
            9b1a1ba4b0c2d9b1f3f1a2b5c8e7d6f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8.
        body (IyzicoWebhookBody): An Iyzico subscription event, exactly as Iyzico sent it (the
            signature covers its fields). Example: {'customerReferenceCode': 'acme-7f3a',
            'iyziEventTime': 1796376600000, 'iyziEventType': 'subscription.order.success',
            'iyziReferenceCode': 'b4e2f0a1-3c5d-4e6f-8a9b-0c1d2e3f4a5b', 'orderReferenceCode':
            '1a2b3c4d-5e6f-7081-92a3-b4c5d6e7f809', 'subscriptionReferenceCode':
            '9f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | WebhookResult
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            x_iyz_signature_v3=x_iyz_signature_v3,
        )
    ).parsed
