from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.iyzico_customer_body import IyzicoCustomerBody
from ...models.registered import Registered
from ...types import Response


def _get_kwargs(
    id: str,
    *,
    body: IyzicoCustomerBody,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/v1/admin/orgs/{id}/iyzico-customer".format(
            id=quote(str(id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json; charset=utf-8"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorBody | Registered | None:
    if response.status_code == 200:
        response_200 = Registered.from_dict(response.json())

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


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorBody | Registered]:
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
    body: IyzicoCustomerBody,
) -> Response[ErrorBody | Registered]:
    """Registers which organization pays Iyzico under a customer reference code, and for
    which plan (Iyzico's events name only the customer). Operator only.

    Args:
        id (str):  Example: 0193a1c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d.
        body (IyzicoCustomerBody): Which org pays Iyzico under which customer reference code.
            Example: {'customer_reference_code': 'acme-7f3a', 'plan': 'pro'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | Registered]
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
    body: IyzicoCustomerBody,
) -> ErrorBody | Registered | None:
    """Registers which organization pays Iyzico under a customer reference code, and for
    which plan (Iyzico's events name only the customer). Operator only.

    Args:
        id (str):  Example: 0193a1c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d.
        body (IyzicoCustomerBody): Which org pays Iyzico under which customer reference code.
            Example: {'customer_reference_code': 'acme-7f3a', 'plan': 'pro'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | Registered
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
    body: IyzicoCustomerBody,
) -> Response[ErrorBody | Registered]:
    """Registers which organization pays Iyzico under a customer reference code, and for
    which plan (Iyzico's events name only the customer). Operator only.

    Args:
        id (str):  Example: 0193a1c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d.
        body (IyzicoCustomerBody): Which org pays Iyzico under which customer reference code.
            Example: {'customer_reference_code': 'acme-7f3a', 'plan': 'pro'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | Registered]
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
    body: IyzicoCustomerBody,
) -> ErrorBody | Registered | None:
    """Registers which organization pays Iyzico under a customer reference code, and for
    which plan (Iyzico's events name only the customer). Operator only.

    Args:
        id (str):  Example: 0193a1c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d.
        body (IyzicoCustomerBody): Which org pays Iyzico under which customer reference code.
            Example: {'customer_reference_code': 'acme-7f3a', 'plan': 'pro'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | Registered
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            body=body,
        )
    ).parsed
