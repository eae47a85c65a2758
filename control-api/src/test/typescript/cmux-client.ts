// A cmux developer's client of the gateway's control API: what cmux's ~900-line pve-lxc-client.ts becomes when its
// types are generated from the gateway's OpenAPI document (`npm run generate`) instead of written by hand.
// It creates a sandbox, waits for the operation, runs a command in it, snapshots it and destroys it, printing one
// line per step; any answer it did not expect ends it with exit code 1. TypeScriptClientTest runs it.
//
//   CMUX_GATEWAY_URL=http://127.0.0.1:8081 GATEWAY_CONTROL_TOKEN=… node build/cmux-client.js
import createClient from "openapi-fetch";
import type { components, paths } from "./generated/control-api.js";

type Operation = components["schemas"]["Operation"];
type ApiError = components["schemas"]["Error"];

const baseUrl = process.env.CMUX_GATEWAY_URL ?? "http://127.0.0.1:8081";
const token = process.env.GATEWAY_CONTROL_TOKEN;
if (!token) {
  throw new Error("set GATEWAY_CONTROL_TOKEN");
}
const api = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${token}` } });

function step(name: string, facts: Record<string, unknown>): void {
  console.log(JSON.stringify({ step: name, ...facts }));
}

/** The answer's typed body, or the API's error (code and sentence) as an exception. */
function ok<T>(what: string, answer: { data?: T; error?: ApiError | undefined; response: Response }): T {
  if (answer.data === undefined) {
    const e = answer.error?.error;
    throw new Error(`${what}: ${answer.response.status} ${e ? `${e.code}: ${e.message}` : "(no body)"}`);
  }
  return answer.data;
}

/** Polls an accepted operation until it ends; a failed one throws with its error-table code. */
async function finished(op: Operation): Promise<Operation> {
  let current = op;
  for (let polls = 0; current.state === "running"; polls++) {
    if (polls === 600) {
      throw new Error(`operation ${op.id} still running after 600 polls`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    const answer = ok("GET operation", await api.GET("/v1/operations/{id}", { params: { path: { id: op.id } } }));
    current = answer.operation;
  }
  if (current.state === "failed") {
    throw new Error(`operation ${op.id} failed: ${current.error?.code}: ${current.error?.message}`);
  }
  return current;
}

async function main(): Promise<void> {
  const accepted = ok("create", await api.POST("/v1/sandboxes", { body: { owner: "cmux-client.ts", ttl: "1h" } }));
  step("create", { operation: accepted.operation.id, state: accepted.operation.state });

  const created = await finished(accepted.operation);
  const sandbox = created.sandbox;
  if (!sandbox || sandbox.status !== "running") {
    throw new Error(`the create ended without a running sandbox: ${JSON.stringify(created)}`);
  }
  const vmid = String(sandbox.vmid);
  step("running", { vmid: sandbox.vmid, hostname: sandbox.hostname, kind: sandbox.kind });

  const ran = ok("exec", await api.POST("/v1/sandboxes/{vmid}/exec", {
    params: { path: { vmid } },
    body: { command: "echo hello from cmux", timeoutMs: 20000 },
  }));
  // the JSON answer (the application/x-ndjson stream's lines are the other member of the union)
  if (!("stdout" in ran) || ran.exitCode !== 0 || ran.stdout !== "hello from cmux") {
    throw new Error(`exec answered ${JSON.stringify(ran)}`);
  }
  step("exec", { exitCode: ran.exitCode, stdout: ran.stdout, via: ran.via });

  const snap = ok("snapshot", await api.POST("/v1/sandboxes/{vmid}/snapshots", {
    params: { path: { vmid } },
    body: { name: "clean", description: "taken by cmux-client.ts" },
  }));
  step("snapshot", { name: snap.snapshot.name });

  // a sandbox's host name works wherever a vmid does
  const byName = ok("get", await api.GET("/v1/sandboxes/{vmid}", { params: { path: { vmid: sandbox.hostname } } }));
  step("get", { vmid: byName.vmid, status: byName.status });

  const destroyed = ok("destroy", await api.DELETE("/v1/sandboxes/{vmid}", { params: { path: { vmid } } }));
  step("destroy", { state: destroyed.operation.state });

  const gone = ok("is-stopped", await api.GET("/v1/sandboxes/{vmid}/is-stopped", { params: { path: { vmid } } }));
  if (!gone.deleted) {
    throw new Error(`the sandbox is still there: ${JSON.stringify(gone)}`);
  }
  step("deleted", { vmid: gone.vmid, deleted: gone.deleted });
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
