// Self-test of a peer folder, shared by ./fedify and ./fedify2: run it from
// that folder with its Node, `npm run selftest` (exit 0 = all passed).
//
// 1. Starts two peers (alice, bob) as child processes; alice follows bob
//    through the control API and waits for bob's signed Accept; then
//    create-note and unfollow.
// 2. A hand-written actor ("fake", node:http + node:crypto, no fedify) that
//    signs like Mastodon (draft-cavage rsa-sha256) follows alice; alice must
//    verify it and send a signed Accept back, whose headers are checked: fedify
//    (1.6+ and 2.x) knocks first with RFC 9421 (firstKnock), which the fake takes.
// 3. Unsigned and badly RFC 9421-signed deliveries must get 401 and not be recorded.
import { spawn } from "node:child_process";
import { createHash, createSign, createVerify, generateKeyPairSync, randomUUID } from "node:crypto";
import http from "node:http";
import { createInterface } from "node:readline";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const here = process.cwd(); // the peer's folder (npm run selftest there)
// Which Fedify the folder's peer runs: 2.x reads embedded objects differently.
const fedifyMajor = Number(JSON.parse(readFileSync(join(here, "node_modules", "@fedify", "fedify", "package.json"), "utf8")).version.split(".")[0]);
const children = [];
let passed = 0;
let failed = 0;

function check(name, cond, detail = "") {
  if (cond) {
    passed++;
    console.log(`ok   ${name}`);
  } else {
    failed++;
    console.log(`FAIL ${name}${detail ? `: ${detail}` : ""}`);
  }
}

function startPeer(username) {
  const child = spawn(process.execPath, ["peer.mjs", "--port", "0", "--username", username], {
    cwd: here,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  child.stderr.on("data", (d) => process.stderr.write(d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${username}: not ready in 30 s`)), 30000);
    const lines = [];
    child.once("exit", (code) => reject(new Error(`${username} exited early (${code})`)));
    createInterface({ input: child.stdout }).on("line", (line) => {
      lines.push(line);
      if (lines.length === 1) {
        clearTimeout(timer);
        const info = JSON.parse(line);
        resolve({ ...info, child, base: `http://127.0.0.1:${info.port}`, stdoutLines: lines });
      }
    });
  });
}

async function api(peer, method, path, body) {
  const res = await fetch(peer.base + path, {
    method,
    headers: body ? { "Content-Type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, json: await res.json() };
}

async function waitFor(fn, ms = 10000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  return null;
}

// ---- a minimal hand-written actor that signs like Mastodon ----
function startFakeActor() {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const inboxRequests = [];
  const getRequests = [];
  let base;
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      if (req.method === "GET" && req.url.split("?")[0] === "/actor") {
        getRequests.push({ url: req.url, headers: req.headers });
        res.writeHead(200, { "Content-Type": "application/activity+json" });
        res.end(JSON.stringify({
          "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
          id: `${base}/actor`,
          type: "Group",
          preferredUsername: "fake",
          inbox: `${base}/inbox`,
          publicKey: {
            id: `${base}/actor#main-key`,
            owner: `${base}/actor`,
            publicKeyPem: publicKey.export({ type: "spki", format: "pem" }),
          },
        }));
      } else if (req.method === "POST" && req.url === "/inbox") {
        inboxRequests.push({ headers: req.headers, body: JSON.parse(body) });
        res.writeHead(202);
        res.end();
      } else {
        res.writeHead(404);
        res.end();
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      base = `http://127.0.0.1:${server.address().port}`;
      resolve({ server, base, actor: `${base}/actor`, privateKey, inboxRequests, getRequests });
    })
  );
}

// POST signed the way Mastodon does: (request-target) host date digest content-type
async function cavagePost(fake, inboxUrl, activity) {
  const body = JSON.stringify(activity);
  const u = new URL(inboxUrl);
  const headers = {
    host: u.host,
    date: new Date().toUTCString(),
    digest: "SHA-256=" + createHash("sha256").update(body).digest("base64"),
    "content-type": "application/activity+json",
  };
  const names = ["(request-target)", "host", "date", "digest", "content-type"];
  const signing = names.map((n) =>
    n === "(request-target)" ? `${n}: post ${u.pathname}${u.search}` : `${n}: ${headers[n]}`
  ).join("\n");
  const sig = createSign("sha256").update(signing).sign(fake.privateKey, "base64");
  headers.signature = `keyId="${fake.actor}#main-key",algorithm="rsa-sha256",` +
    `headers="${names.join(" ")}",signature="${sig}"`;
  const res = await fetch(inboxUrl, { method: "POST", headers, body });
  return res.status;
}

async function main() {
  const [alice, bob] = await Promise.all([startPeer("alice"), startPeer("bob")]);
  check("ready line alice", alice.actor === `${alice.base}/users/alice`, JSON.stringify(alice));
  check("ready line bob", bob.actor === `${bob.base}/users/bob`, JSON.stringify(bob));

  // --- peer <-> peer ---
  const f = await api(alice, "POST", "/control/follow", { target: bob.actor });
  check("alice follow bob -> 200", f.status === 200 && f.json.followId, JSON.stringify(f));
  const accept = await waitFor(async () =>
    (await api(alice, "GET", "/control/received?type=Accept")).json.find((r) =>
      r.actor === bob.actor && r.objectId === f.json.followId
    )
  );
  check("alice received bob's Accept{Follow}", accept != null);
  if (fedifyMajor >= 2) {
    // Fedify 2 ignores an embedded object whose id is on another origin than
    // the activity's (the crossOrigin option, "ignore" by default) and would
    // fetch it by id; the peer reads embedded objects offline only, so the
    // Follow that bob's Accept embeds (alice's, another port) reads as null.
    check("Accept names the Follow; its cross-origin embedded copy is ignored",
      accept?.objectId === f.json.followId && accept?.object === null, JSON.stringify(accept?.object));
  } else {
    check("Accept embeds the Follow", accept?.objectType === "Follow" && accept?.object?.id === f.json.followId,
      JSON.stringify(accept?.object));
  }
  const bobFollowers = (await api(bob, "GET", "/control/followers")).json;
  check("bob's followers = [alice]", JSON.stringify(bobFollowers) === JSON.stringify([alice.actor]),
    JSON.stringify(bobFollowers));
  const following = (await api(alice, "GET", "/control/following")).json;
  check("alice following bob accepted", following[0]?.actor === bob.actor && following[0]?.accepted === true,
    JSON.stringify(following));

  const n = await api(alice, "POST", "/control/create-note", { target: bob.actor, content: "<p>hi bob</p>" });
  check("create-note -> 200", n.status === 200, JSON.stringify(n));
  const created = (await api(bob, "GET", "/control/received?type=Create")).json;
  check("bob received Create{Note}", created[0]?.objectType === "Note" && created[0]?.objectId === n.json.noteId,
    JSON.stringify(created[0]));
  const noteRes = await fetch(n.json.noteId, { headers: { Accept: "application/activity+json" } });
  check("note is dereferenceable", noteRes.status === 200 && (await noteRes.json()).content === "<p>hi bob</p>");

  const u = await api(alice, "POST", "/control/unfollow", { target: bob.actor });
  check("alice unfollow bob -> 200", u.status === 200, JSON.stringify(u));
  const undo = (await api(bob, "GET", "/control/received?type=Undo")).json;
  check("bob received Undo{Follow} embedding the Follow",
    undo[0]?.objectType === "Follow" && undo[0]?.object?.id === f.json.followId, JSON.stringify(undo[0]));
  check("bob's followers empty after Undo", (await api(bob, "GET", "/control/followers")).json.length === 0);

  const bad = await api(alice, "POST", "/control/follow", { target: "http://127.0.0.1:9/nobody" });
  check("follow of unreachable target -> 502 JSON", bad.status === 502 && typeof bad.json.error === "string",
    JSON.stringify(bad));

  // --- hand-written draft-cavage signer <-> peer ---
  const fake = await startFakeActor();
  const followId = `${fake.base}/follows/${randomUUID()}`;
  const st = await cavagePost(fake, `${alice.base}/users/alice/inbox`, {
    "@context": "https://www.w3.org/ns/activitystreams",
    id: followId,
    type: "Follow",
    actor: fake.actor,
    object: alice.actor,
  });
  check("cavage-signed Follow accepted (202)", st === 202, String(st));
  const keyFetch = fake.getRequests[0]?.headers;
  check("fedify fetched signer key with Accept activity+json",
    keyFetch?.accept === "application/activity+json, application/ld+json", JSON.stringify(keyFetch));
  check("alice's followers include fake", (await api(alice, "GET", "/control/followers")).json.includes(fake.actor));
  const acc = await waitFor(() => fake.inboxRequests.find((r) => r.body.type === "Accept"));
  check("fake received Accept", acc != null);
  const sig = acc?.headers["signature-input"] ?? "";
  check("Accept signed RFC 9421 first (firstKnock) with #main-key",
    sig.includes(`keyid="${alice.actor}#main-key"`) && /^sig1=\(/.test(sig) && (acc?.headers.signature ?? "").startsWith("sig1=:"), sig);
  const signed = /\(([^)]*)\)/.exec(sig)?.[1] ?? "";
  check("signed components include @method @target-uri content-digest",
    ['"@method"', '"@target-uri"', '"content-digest"'].every((h) => signed.split(" ").includes(h)), signed);
  check("Content-Digest header is SHA-256 of body", acc != null &&
    acc.headers["content-digest"] === "sha-256=:" + createHash("sha256").update(JSON.stringify(acc.body)).digest("base64") + ":",
    acc?.headers["content-digest"]);
  check("Accept object is the Follow", acc?.body.object?.id === followId, JSON.stringify(acc?.body.object));
  console.log(`info sent Signature headers="${signed}"; LD signature type=${acc?.body.signature?.type}`);

  // --- rejected deliveries ---
  const before = (await api(alice, "GET", "/control/received")).json.length;
  const unsigned = await fetch(`${alice.base}/inbox`, {
    method: "POST",
    headers: { "Content-Type": "application/activity+json" },
    body: JSON.stringify({
      "@context": "https://www.w3.org/ns/activitystreams",
      id: `${fake.base}/creates/${randomUUID()}`,
      type: "Create",
      actor: fake.actor,
      object: { id: `${fake.base}/notes/1`, type: "Note", content: "x" },
    }),
  });
  check("unsigned delivery -> 401", unsigned.status === 401, String(unsigned.status));
  const body9421 = JSON.stringify({
    "@context": "https://www.w3.org/ns/activitystreams",
    id: `${fake.base}/creates/${randomUUID()}`,
    type: "Create",
    actor: fake.actor,
    object: { id: `${fake.base}/notes/2`, type: "Note", content: "y" },
  });
  const rfc9421 = await fetch(`${alice.base}/inbox`, {
    method: "POST",
    headers: {
      "Content-Type": "application/activity+json",
      "Content-Digest": "sha-256=:" + createHash("sha256").update(body9421).digest("base64") + ":",
      "Signature-Input": `sig1=("@method" "@target-uri" "content-digest");keyid="${fake.actor}#main-key"`,
      "Signature": "sig1=:AAAA:",
      "Date": new Date().toUTCString(),
    },
    body: body9421,
  });
  check("delivery with a bad RFC 9421 signature -> 401", rfc9421.status === 401, String(rfc9421.status));
  const noCtx = await cavagePost(fake, `${alice.base}/inbox`, {
    id: `${fake.base}/creates/${randomUUID()}`,
    type: "Create",
    actor: fake.actor,
    object: { id: `${fake.base}/notes/3`, type: "Note", content: "z" },
  });
  check("signed but no @context -> 400 (no actor after JSON-LD expansion)", noCtx === 400, String(noCtx));
  const badCtx = await cavagePost(fake, `${alice.base}/inbox`, {
    "@context": ["https://www.w3.org/ns/activitystreams", `${fake.base}/ns`],
    id: `${fake.base}/creates/${randomUUID()}`,
    type: "Create",
    actor: fake.actor,
    object: { id: `${fake.base}/notes/4`, type: "Note", content: "w" },
  });
  console.log(`info signed, @context with an unloadable URL -> ${badCtx}`);
  check("signed but unloadable @context URL -> not 2xx", badCtx >= 400, String(badCtx));
  const after = (await api(alice, "GET", "/control/received")).json.length;
  check("rejected deliveries not recorded", after === before, `${before} -> ${after}`);

  // --- signed GET (authenticated document loader): what is signed? ---
  const sf = await api(alice, "POST", "/control/follow", { target: `${fake.actor}?probe=1`, signedFetch: true });
  check("follow with signedFetch -> 200", sf.status === 200, JSON.stringify(sf));
  const g = fake.getRequests.find((r) => r.url === "/actor?probe=1");
  const gsig = g?.headers["signature-input"] ?? "";
  console.log(`info signed GET Signature-Input: ${gsig} accept="${g?.headers.accept}"`);
  check("signed GET signs @method and @target-uri in RFC 9421 first", ['"@method"', '"@target-uri"'].every((h) =>
    gsig.includes(h)) && gsig.includes(`keyid="${alice.actor}#main-key"`), gsig);

  fake.server.close();
  check("stdout had exactly one line", alice.stdoutLines.length === 1 && bob.stdoutLines.length === 1);
}

async function stopAll() {
  await Promise.all(children.map((c) =>
    new Promise((resolve) => {
      if (c.exitCode !== null) return resolve(c.exitCode);
      const t = setTimeout(() => { c.kill("SIGKILL"); resolve("killed"); }, 5000);
      c.once("exit", (code) => { clearTimeout(t); resolve(code); });
      c.kill("SIGTERM");
    })
  )).then((codes) => check("peers exit 0 on SIGTERM", codes.every((c) => c === 0), JSON.stringify(codes)));
}

try {
  await main();
} catch (error) {
  failed++;
  console.log(`FAIL ${error?.stack ?? error}`);
} finally {
  await stopAll();
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}
