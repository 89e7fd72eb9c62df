"""The main job through the generated Python SDK (openapi/clients/python), against a real server.

tests/api/sdk.rs starts the server (with a scripted LLM) and a local bare repository, then
runs this script with the venv's python (ORCHARD_PYTHON) and:

  ORCHARD_BASE_URL         the server, e.g. http://127.0.0.1:41234
  ORCHARD_E2E_REPO         path of the bare repository to register
  ORCHARD_E2E_TOKENS       "prompt,completion" the scripted LLM reports for the whole task

Signup -> credential -> repository -> task -> poll until it succeeded -> its events -> usage.
It exits 0 and prints one JSON line {"task_id", "branch", "commit"} for the caller to check
the pushed branch; any failed check exits 1 with what was expected and what came back.
"""

from __future__ import annotations

import os
import sys
import time
import uuid

try:
    from orchard_client import AuthenticatedClient, Client
    from orchard_client.api.auth import get_org, signup
    from orchard_client.api.credentials import list_credentials, put_credential
    from orchard_client.api.repos import create_repo
    from orchard_client.api.tasks import create_task, get_task, task_events
    from orchard_client.api.usage import get_usage
    from orchard_client.models import (
        CredentialPut,
        ErrorBody,
        RepoCreate,
        SignupRequest,
        TaskCreate,
    )
except ImportError as error:
    sys.exit(
        f"e2e.py: cannot import the generated client ({error}) with {sys.executable}: "
        "run `bash tests/run.sh`, which installs tests/requirements.txt and "
        "openapi/clients/python into its venv"
    )


def env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        sys.exit(f"e2e.py: {name} is not set (tests/api/sdk.rs sets it)")
    return value


def check(condition: bool, what: str) -> None:
    if not condition:
        print(f"e2e.py: FAILED: {what}", file=sys.stderr)
        sys.exit(1)


def expect(response, status: int, what: str):
    """The parsed body of `response`, after checking its status."""
    check(
        response.status_code == status,
        f"{what}: expected HTTP {status}, got {int(response.status_code)}: {response.content!r}",
    )
    return response.parsed


def main() -> None:
    base_url = env("ORCHARD_BASE_URL")
    repo_path = env("ORCHARD_E2E_REPO")
    prompt, completion = (int(n) for n in env("ORCHARD_E2E_TOKENS").split(","))

    # Sign up with the anonymous client; everything after with the owner's token.
    anonymous = Client(base_url=base_url, raise_on_unexpected_status=True)
    signed_up = expect(
        signup.sync_detailed(
            client=anonymous,
            body=SignupRequest(org_name="Py SDK Inc", email="owner@py-sdk.test", password="correct horse battery"),
        ),
        201,
        "signup",
    )
    check(signed_up.token.startswith("v4.public."), f"a PASETO v4 token, got {signed_up.token[:12]}...")
    client = AuthenticatedClient(base_url=base_url, token=signed_up.token, raise_on_unexpected_status=True)

    org = expect(get_org.sync_detailed(client=client), 200, "GET /v1/org")
    check(org.id == signed_up.org_id, f"the org is the one signed up: {org.id} != {signed_up.org_id}")

    # A credential: stored encrypted, never returned.
    secret = "e2e-secret-" + uuid.uuid4().hex
    stored = expect(
        put_credential.sync_detailed(
            "generic",
            client=client,
            body=CredentialPut(secret=secret, username="x-access-token", scopes_note="sdk e2e"),
        ),
        200,
        "PUT /v1/credentials/generic",
    )
    check(stored.provider == "generic", f"credential provider: {stored.provider}")
    listed = expect(list_credentials.sync_detailed(client=client), 200, "GET /v1/credentials")
    check([c.provider for c in listed.credentials] == ["generic"], f"credentials: {listed.to_dict()}")
    check(secret not in str(listed.to_dict()), "the secret never comes back")

    repo = expect(
        create_repo.sync_detailed(client=client, body=RepoCreate(url=repo_path, provider="generic")),
        201,
        "POST /v1/repos",
    )

    accepted = expect(
        create_task.sync_detailed(
            client=client,
            body=TaskCreate(
                repo_id=str(repo.id), instruction="add input validation to the signup handler", sprint="sdk-e2e"
            ),
        ),
        202,
        "POST /v1/tasks",
    )
    check(accepted.status == "queued", f"a new task is queued: {accepted.status}")
    task_id = str(accepted.task_id)

    deadline = time.monotonic() + 60
    while True:
        task = expect(get_task.sync_detailed(task_id, client=client), 200, "GET /v1/tasks/{id}")
        if task.status in ("succeeded", "failed", "cancelled"):
            break
        check(time.monotonic() < deadline, f"task {task_id} finished within 60 s (status {task.status})")
        time.sleep(0.1)
    check(task.status == "succeeded", f"task succeeded: {task.to_dict()}")
    check(task.branch == f"orchard/{task_id}", f"branch: {task.branch}")
    check(task.changed_files == ["src/validate.rs"], f"changed files: {task.changed_files}")
    check(
        (task.tokens.prompt, task.tokens.completion, task.tokens.total) == (prompt, completion, prompt + completion),
        f"task tokens: {task.tokens.to_dict()}",
    )

    # The event stream of a finished task: its whole log, ending with the final status.
    events = expect(task_events.sync_detailed(task_id, client=client), 200, "GET /v1/tasks/{id}/events")
    check(isinstance(events, str) and "succeeded" in events, f"events end with the status: {events!r}")

    usage = expect(get_usage.sync_detailed(client=client, period=task.quota_period), 200, "GET /v1/usage")
    check(usage.tasks.used == 1, f"one task used: {usage.tasks.to_dict()}")
    check(usage.tokens.total == prompt + completion, f"usage tokens: {usage.tokens.to_dict()}")
    mine = [t for t in usage.by_task if str(t.task_id) == task_id]
    check(len(mine) == 1 and mine[0].cost_micros == task.cost_micros, f"usage by task: {usage.to_dict()}")
    check([s.sprint for s in usage.by_sprint] == ["sdk-e2e"], f"usage by sprint: {usage.to_dict()}")

    # Errors come back as the shared {code, message} body.
    missing = expect(get_task.sync_detailed(str(uuid.uuid4()), client=client), 404, "GET an unknown task")
    check(isinstance(missing, ErrorBody) and missing.code == "not_found", f"error body: {missing}")

    print(f'{{"task_id": "{task_id}", "branch": "{task.branch}", "commit": "{task.commit}"}}')


if __name__ == "__main__":
    main()
