from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.stripe_webhook_body import StripeWebhookBody
from ...models.webhook_result import WebhookResult
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: StripeWebhookBody,
    stripe_signature: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(stripe_signature, Unset):
        headers["Stripe-Signature"] = stripe_signature

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/webhooks/stripe",
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
    body: StripeWebhookBody,
    stripe_signature: str | Unset = UNSET,
) -> Response[ErrorBody | WebhookResult]:
    """Stripe's webhook: `checkout.session.completed`, `customer.subscription.updated` and
    `.deleted`, `invoice.payment_failed`. The body is Stripe's event JSON, verified with
    `Stripe-Signature` (HMAC-SHA256 of `timestamp.body`, 5 minutes' tolerance).

    Args:
        stripe_signature (str | Unset):  Example:
            t=1796376600,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd.
        body (StripeWebhookBody): A Stripe event, exactly as Stripe sent it (the signature covers
            these bytes). Example: {'created': 1796376600, 'data': {'object': {'client_reference_id':
            '0193a1c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d', 'customer': 'cus_QbCdEfGhIj', 'id':
            'cs_test_a1B2c3D4e5F6', 'metadata': {'org_id': '0193a1c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d',
            'plan': 'pro'}, 'object': 'checkout.session', 'subscription': 'sub_1QbCdEfGhIjKlMnO'}},
            'id': 'evt_1QbCdEfGhIjKlMnO', 'object': 'event', 'type': 'checkout.session.completed'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | WebhookResult]
    """

    kwargs = _get_kwargs(
        body=body,
        stripe_signature=stripe_signature,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: StripeWebhookBody,
    stripe_signature: str | Unset = UNSET,
) -> ErrorBody | WebhookResult | None:
    """Stripe's webhook: `checkout.session.completed`, `customer.subscription.updated` and
    `.deleted`, `invoice.payment_failed`. The body is Stripe's event JSON, verified with
    `Stripe-Signature` (HMAC-SHA256 of `timestamp.body`, 5 minutes' tolerance).

    Args:
        stripe_signature (str | Unset):  Example:
            t=1796376600,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd.
        body (StripeWebhookBody): A Stripe event, exactly as Stripe sent it (the signature covers
            these bytes). Example: {'created': 1796376600, 'data': {'object': {'client_reference_id':
            '0193a1c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d', 'customer': 'cus_QbCdEfGhIj', 'id':
            'cs_test_a1B2c3D4e5F6', 'metadata': {'org_id': '0193a1c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d',
            'plan': 'pro'}, 'object': 'checkout.session', 'subscription': 'sub_1QbCdEfGhIjKlMnO'}},
            'id': 'evt_1QbCdEfGhIjKlMnO', 'object': 'event', 'type': 'checkout.session.completed'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | WebhookResult
    """

    return sync_detailed(
        client=client,
        body=body,
        stripe_signature=stripe_signature,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: StripeWebhookBody,
    stripe_signature: str | Unset = UNSET,
) -> Response[ErrorBody | WebhookResult]:
    """Stripe's webhook: `checkout.session.completed`, `customer.subscription.updated` and
    `.deleted`, `invoice.payment_failed`. The body is Stripe's event JSON, verified with
    `Stripe-Signature` (HMAC-SHA256 of `timestamp.body`, 5 minutes' tolerance).

    Args:
        stripe_signature (str | Unset):  Example:
            t=1796376600,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd.
        body (StripeWebhookBody): A Stripe event, exactly as Stripe sent it (the signature covers
            these bytes). Example: {'created': 1796376600, 'data': {'object': {'client_reference_id':
            '0193a1c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d', 'customer': 'cus_QbCdEfGhIj', 'id':
            'cs_test_a1B2c3D4e5F6', 'metadata': {'org_id': '0193a1c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d',
            'plan': 'pro'}, 'object': 'checkout.session', 'subscription': 'sub_1QbCdEfGhIjKlMnO'}},
            'id': 'evt_1QbCdEfGhIjKlMnO', 'object': 'event', 'type': 'checkout.session.completed'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | WebhookResult]
    """

    kwargs = _get_kwargs(
        body=body,
        stripe_signature=stripe_signature,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: StripeWebhookBody,
    stripe_signature: str | Unset = UNSET,
) -> ErrorBody | WebhookResult | None:
    """Stripe's webhook: `checkout.session.completed`, `customer.subscription.updated` and
    `.deleted`, `invoice.payment_failed`. The body is Stripe's event JSON, verified with
    `Stripe-Signature` (HMAC-SHA256 of `timestamp.body`, 5 minutes' tolerance).

    Args:
        stripe_signature (str | Unset):  Example:
            t=1796376600,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd.
        body (StripeWebhookBody): A Stripe event, exactly as Stripe sent it (the signature covers
            these bytes). Example: {'created': 1796376600, 'data': {'object': {'client_reference_id':
            '0193a1c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d', 'customer': 'cus_QbCdEfGhIj', 'id':
            'cs_test_a1B2c3D4e5F6', 'metadata': {'org_id': '0193a1c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d',
            'plan': 'pro'}, 'object': 'checkout.session', 'subscription': 'sub_1QbCdEfGhIjKlMnO'}},
            'id': 'evt_1QbCdEfGhIjKlMnO', 'object': 'event', 'type': 'checkout.session.completed'}.

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
            stripe_signature=stripe_signature,
        )
    ).parsed
