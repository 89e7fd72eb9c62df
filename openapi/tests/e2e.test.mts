// A task through the generated TypeScript SDK (openapi/clients/typescript: the spec's types,
// with openapi-fetch as the client), against a real server.
//
// tests/api/sdk.rs starts the server (with a scripted LLM) and a local bare repository,
// compiles this file with tsc (openapi/tsconfig.json: strict, so a call that does not fit the
// generated types fails the test before it runs), and runs the output with `node --test` and
// ORCHARD_BASE_URL (the server) and ORCHARD_E2E_REPO (the repository's path).

import assert from "node:assert/strict";
import { test } from "node:test";

import createClient from "openapi-fetch";

import type { components, paths } from "../clients/typescript/schema.js";

type TaskView = components["schemas"]["TaskView"];

function env(name: string): string {
  const value = process.env[name];
  assert.ok(value, `${name} is not set (tests/api/sdk.rs sets it)`);
  return value;
}

test("signup, repository, task to success, events and a typed error", async () => {
  const baseUrl = env("ORCHARD_BASE_URL");
  const anonymous = createClient<paths>({ baseUrl });

  const signup = await anonymous.POST("/v1/auth/signup", {
    body: { org_name: "TS SDK Ltd", email: "owner@ts-sdk.test", password: "correct horse battery" },
  });
  assert.equal(signup.response.status, 201, JSON.stringify(signup.error));
  assert.ok(signup.data);
  const token = signup.data.token;
  assert.match(token, /^v4\.public\./);

  const client = createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${token}` } });

  const org = await client.GET("/v1/org");
  assert.equal(org.data?.id, signup.data.org_id);

  const repo = await client.POST("/v1/repos", {
    body: { url: env("ORCHARD_E2E_REPO"), provider: "generic" },
  });
  assert.equal(repo.response.status, 201, JSON.stringify(repo.error));
  assert.ok(repo.data);

  const accepted = await client.POST("/v1/tasks", {
    body: { repo_id: repo.data.id, instruction: "add input validation to the signup handler" },
  });
  assert.equal(accepted.response.status, 202, JSON.stringify(accepted.error));
  assert.equal(accepted.data?.status, "queued");
  const id = accepted.data.task_id;

  let task: TaskView | undefined;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { data, error } = await client.GET("/v1/tasks/{id}", { params: { path: { id } } });
    assert.ok(data, JSON.stringify(error));
    task = data;
    if (["succeeded", "failed", "cancelled"].includes(task.status)) break;
    assert.ok(Date.now() < deadline, `task ${id} finished within 60 s (status ${task.status})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.equal(task.status, "succeeded", JSON.stringify(task));
  assert.equal(task.branch, `orchard/${id}`);
  assert.deepEqual(task.changed_files, ["src/validate.rs"]);
  assert.equal(task.tokens.total, task.tokens.prompt + task.tokens.completion);

  // The SSE endpoint: its types describe the events, the body is `text/event-stream`, so it
  // is read as text (or `parseAs: "stream"` for live events).
  const events = await client.GET("/v1/tasks/{id}/events", {
    params: { path: { id } },
    parseAs: "text",
  });
  assert.equal(events.response.headers.get("content-type")?.split(";")[0], "text/event-stream");
  assert.match(events.data ?? "", /succeeded/);

  // Errors are the shared {code, message} body, typed as such.
  const missing = await client.GET("/v1/tasks/{id}", {
    params: { path: { id: "00000000-0000-4000-8000-000000000000" } },
  });
  assert.equal(missing.response.status, 404);
  assert.equal(missing.error?.code, "not_found");
});
