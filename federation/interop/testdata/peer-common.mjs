// The test peer's body, shared by ./fedify (@fedify/fedify 1.6.2, on the
// machine's Node) and ./fedify2 (@fedify/fedify 2.3.6, on the Node 22 of
// its lockfile). Each folder's peer.mjs imports its own Fedify, LogTape and
// Temporal (bare imports resolve from the importing file's folder, so this
// file cannot import them itself) and hands them to runPeer.
//
//   node peer.mjs [--port 0] [--username peer] [--log-level warning] [--no-doc-cache] [--software name@version]
//
// Prints one JSON line on stdout when ready, then nothing else on stdout:
//   {"ready":true,"port":N,"actor":"http://127.0.0.1:N/users/peer"}
// Diagnostics go to stderr. See fedify/README.md for the control API.
import http from "node:http";
import { AsyncLocalStorage } from "node:async_hooks";
import process from "node:process";
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";

// runPeer starts the peer. vocab holds the ActivityStreams classes and
// isActor (@fedify/fedify itself in 1.x, @fedify/vocab in 2.x); fedify the
// federation API; softwareVersion turns a NodeInfo version string into
// what that Fedify's NodeInfo dispatcher takes.
export async function runPeer({ vocab, fedify, logtape, Temporal, softwareVersion }) {
  const {
    Accept, Announce, Create, Delete, Endpoints, Flag, Follow, Note, Person,
    PUBLIC_COLLECTION, Reject, Undo, Update, isActor,
  } = vocab;
  const { createFederation, generateCryptoKeyPair, getDocumentLoader, MemoryKvStore } = fedify;
  const { configure, defaultTextFormatter } = logtape;

  const { values: args } = parseArgs({
    options: {
      port: { type: "string", default: "0" },
      username: { type: "string", default: "peer" },
      "log-level": { type: "string", default: "warning" },
      // Use fedify's plain document loader instead of its default one, which
      // caches every fetched document (actors, keys) for 5 minutes.
      "no-doc-cache": { type: "boolean", default: false },
      // The server software the peer names in its NodeInfo, as name@version
      // (e.g. mobilizon@5.1.0), so that a hub sends it what that software's
      // readers get. Without it the peer serves no NodeInfo.
      software: { type: "string", default: "" },
    },
  });
  const USERNAME = args.username;
  const HOST = "127.0.0.1";

  function log(...parts) {
    process.stderr.write(`[peer ${USERNAME}] ${parts.join(" ")}\n`);
  }

  await configure({
    contextLocalStorage: new AsyncLocalStorage(),
    filters: {
      // Without an Ed25519 key every send warns that no FEP-8b32 proof is made.
      noProofNag: (r) => !(r.level === "warning" && String(r.rawMessage).includes("to create a proof")),
    },
    sinks: { stderr: (record) => process.stderr.write(defaultTextFormatter(record)) },
    loggers: [
      { category: "fedify", sinks: ["stderr"], filters: ["noProofNag"], lowestLevel: args["log-level"] },
      // Logs an [ERR] on every WebFinger request because no handle mapper is set.
      { category: ["fedify", "webfinger", "server"], sinks: [], lowestLevel: "fatal" },
      { category: ["logtape", "meta"], sinks: ["stderr"], lowestLevel: "warning" },
    ],
  });

  // ---- state (in memory; the process is the unit of isolation) ----
  const keyPairs = [await generateCryptoKeyPair("RSASSA-PKCS1-v1_5")];
  const received = []; // records of verified inbox activities
  const followers = new Map(); // actor id -> { id, inboxId, sharedInbox }
  const following = new Map(); // target actor id -> { followId, accepted, rejected }
  const sentFollows = new Map(); // follow id -> Follow (for Undo)
  const notes = new Map(); // note uuid -> Note

  const kv = new MemoryKvStore();
  const federation = createFederation({
    kv,
    // No queue: ctx.sendActivity() delivers before it resolves and throws on
    // failure, and inbox listeners run before the inbox answers 202.
    allowPrivateAddress: true,
    ...(args["no-doc-cache"]
      ? {
        documentLoaderFactory: (opts) =>
          getDocumentLoader({ allowPrivateAddress: true, userAgent: opts?.userAgent }),
      }
      : {}),
  });

  if (args.software !== "") {
    const [name, version = "1.0.0"] = args.software.split("@");
    federation.setNodeInfoDispatcher("/nodeinfo/2.1", () => ({
      software: { name, version: softwareVersion(version) },
      protocols: ["activitypub"],
      usage: { users: {}, localPosts: 0, localComments: 0 },
    }));
  }

  federation
    .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
      if (identifier !== USERNAME) return null;
      const keys = await ctx.getActorKeyPairs(identifier);
      return new Person({
        id: ctx.getActorUri(identifier),
        preferredUsername: identifier,
        name: `Fedify test peer ${identifier}`,
        summary: "Independent ActivityPub peer for interop tests.",
        inbox: ctx.getInboxUri(identifier),
        endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
        followers: ctx.getFollowersUri(identifier),
        url: ctx.getActorUri(identifier),
        manuallyApprovesFollowers: false,
        publicKey: keys[0].cryptographicKey,
        assertionMethods: keys.map((k) => k.multikey),
      });
    })
    .setKeyPairsDispatcher((_ctx, identifier) =>
      identifier === USERNAME ? keyPairs : []
    );

  federation
    .setFollowersDispatcher("/users/{identifier}/followers", (_ctx, identifier) => {
      if (identifier !== USERNAME) return null;
      return {
        items: [...followers.values()].map((f) => ({
          id: new URL(f.id),
          inboxId: f.inboxId ? new URL(f.inboxId) : null,
          endpoints: f.sharedInbox ? { sharedInbox: new URL(f.sharedInbox) } : null,
        })),
      };
    })
    .setCounter((_ctx, identifier) => identifier === USERNAME ? followers.size : null);

  federation.setObjectDispatcher(Note, "/notes/{id}", (_ctx, values) =>
    notes.get(values.id) ?? null
  );

  // Loader that never touches the network: used to read embedded objects only.
  const offlineLoader = (url) => {
    throw new Error(`offline: ${url}`);
  };

  async function record(ctx, activity) {
    const raw = await activity.toJsonLd({ contextLoader: ctx.contextLoader });
    let object = null;
    let objectType = null;
    try {
      const obj = await activity.getObject({
        documentLoader: offlineLoader,
        contextLoader: ctx.contextLoader,
      });
      if (obj != null) {
        object = await obj.toJsonLd({ contextLoader: ctx.contextLoader });
        objectType = object?.type ?? obj.constructor.name;
      }
    } catch {
      // object was a bare IRI (not fetched on purpose) or unparseable
    }
    const rec = {
      type: raw?.type ?? activity.constructor.name,
      id: activity.id?.href ?? null,
      actor: activity.actorId?.href ?? null,
      objectType,
      objectId: activity.objectId?.href ?? null,
      // Every object IRI (a Flag names the account, then what it posted).
      objectIds: activity.objectIds.map((u) => u.href),
      // The activity's own content (a Flag's comment), as fedify reads it.
      content: activity.content?.toString() ?? null,
      object,
      raw,
      receivedAt: new Date().toISOString(),
    };
    received.push(rec);
    log(`received ${rec.type} ${rec.id} from ${rec.actor}`);
    return rec;
  }

  function selfUri(ctx) {
    return ctx.getActorUri(USERNAME).href;
  }

  federation
    .setInboxListeners("/users/{identifier}/inbox", "/inbox")
    .on(Follow, async (ctx, follow) => {
      await record(ctx, follow);
      if (follow.id == null || follow.actorId == null) return;
      if (follow.objectId?.href !== selfUri(ctx)) return;
      const follower = await follow.getActor(ctx);
      if (!isActor(follower)) throw new Error("Follow actor is not an actor");
      followers.set(follower.id.href, {
        id: follower.id.href,
        inboxId: follower.inboxId?.href ?? null,
        sharedInbox: follower.endpoints?.sharedInbox?.href ?? null,
      });
      await ctx.sendActivity(
        { identifier: USERNAME },
        follower,
        new Accept({
          id: new URL(`/accepts/${randomUUID()}`, ctx.origin),
          actor: ctx.getActorUri(USERNAME),
          object: follow,
        }),
      );
    })
    .on(Undo, async (ctx, undo) => {
      await record(ctx, undo);
      let inner = null;
      try {
        inner = await undo.getObject({ documentLoader: offlineLoader, contextLoader: ctx.contextLoader });
      } catch { /* bare IRI */ }
      if (inner instanceof Follow && undo.actorId != null &&
        inner.actorId?.href === undo.actorId.href) {
        followers.delete(undo.actorId.href);
      }
    })
    .on(Accept, async (ctx, accept) => {
      await record(ctx, accept);
      markFollow(accept, "accepted");
    })
    .on(Reject, async (ctx, reject) => {
      await record(ctx, reject);
      markFollow(reject, "rejected");
    })
    .on(Create, (ctx, a) => record(ctx, a))
    .on(Update, (ctx, a) => record(ctx, a))
    .on(Delete, (ctx, a) => record(ctx, a))
    .on(Announce, (ctx, a) => record(ctx, a))
    .on(Flag, (ctx, a) => record(ctx, a))
    .onError((_ctx, error) => log("inbox error:", error?.stack ?? String(error)));

  function markFollow(activity, state) {
    const actor = activity.actorId?.href;
    if (actor == null || !following.has(actor)) return;
    const f = following.get(actor);
    // object is the Follow (embedded or by id); accept either form.
    const oid = activity.objectId?.href;
    if (oid != null && oid !== f.followId) return;
    f[state] = true;
  }

  // ---- control API ----
  async function lookupActor(ctx, target, signed) {
    const documentLoader = signed
      ? await ctx.getDocumentLoader({ identifier: USERNAME })
      : ctx.documentLoader;
    const actor = await ctx.lookupObject(target, { documentLoader });
    if (actor == null) throw new Error(`could not look up ${target}`);
    if (!isActor(actor)) throw new Error(`${target} is a ${actor.constructor.name}, not an actor`);
    return actor;
  }

  async function control(req, url, body) {
    const ctx = federation.createContext(new URL(`http://${HOST}:${port}/`), undefined);
    const p = url.pathname;
    if (req.method === "GET" && p === "/control/received") {
      const type = url.searchParams.get("type");
      return [200, type ? received.filter((r) => r.type === type) : received];
    }
    if (req.method === "GET" && p === "/control/followers") {
      return [200, [...followers.keys()]];
    }
    if (req.method === "GET" && p === "/control/following") {
      return [200, [...following.entries()].map(([actor, f]) => ({ actor, ...f }))];
    }
    if (req.method === "POST" && p === "/control/follow") {
      const target = await lookupActor(ctx, requireString(body, "target"), body.signedFetch);
      const follow = new Follow({
        id: new URL(`/follows/${randomUUID()}`, ctx.origin),
        actor: ctx.getActorUri(USERNAME),
        object: target.id,
      });
      // Register before sending: with no queue the target may deliver its
      // Accept while our POST is still in flight.
      sentFollows.set(follow.id.href, follow);
      following.set(target.id.href, { followId: follow.id.href, accepted: false, rejected: false });
      try {
        await ctx.sendActivity({ identifier: USERNAME }, target, follow);
      } catch (error) {
        following.delete(target.id.href);
        throw error;
      }
      return [200, { followId: follow.id.href }];
    }
    if (req.method === "POST" && p === "/control/unfollow") {
      const target = await lookupActor(ctx, requireString(body, "target"), body.signedFetch);
      const f = following.get(target.id.href);
      if (f == null) return [409, { error: `not following ${target.id.href}` }];
      const undo = new Undo({
        id: new URL(`/undos/${randomUUID()}`, ctx.origin),
        actor: ctx.getActorUri(USERNAME),
        object: sentFollows.get(f.followId),
      });
      await ctx.sendActivity({ identifier: USERNAME }, target, undo);
      following.delete(target.id.href);
      return [200, { undoId: undo.id.href, followId: f.followId }];
    }
    if (req.method === "POST" && p === "/control/profile") {
      // {"target": actor URL}: the actor's url, profile fields and featured
      // collection, each featured item fetched as fedify reads it.
      const documentLoader = body.signedFetch
        ? await ctx.getDocumentLoader({ identifier: USERNAME })
        : ctx.documentLoader;
      const actor = await lookupActor(ctx, requireString(body, "target"), body.signedFetch);
      const fields = [];
      for await (const a of actor.getAttachments({ documentLoader })) {
        fields.push({ type: a.constructor.name, name: a.name?.toString() ?? null, value: a.value?.toString() ?? null });
      }
      const featured = [];
      const collection = await actor.getFeatured({ documentLoader });
      if (collection != null) {
        // orderedItems is as:items as a list: fedify reads it as items.
        const items = typeof collection.getOrderedItems === "function"
          ? collection.getOrderedItems({ documentLoader })
          : collection.getItems({ documentLoader });
        for await (const item of items) {
          featured.push({ id: item.id?.href ?? null, type: item.constructor.name, content: item.content?.toString() ?? null });
        }
      }
      return [200, { url: actor.url?.href ?? null, fields, featured }];
    }
    if (req.method === "POST" && p === "/control/create-note") {
      // {"target": actor URL, "content": html, "inReplyTo"?: url, "public"?: bool}
      const target = await lookupActor(ctx, requireString(body, "target"), body.signedFetch);
      const id = randomUUID();
      const noteUri = ctx.getObjectUri(Note, { id });
      const to = body.public === false ? [target.id] : [PUBLIC_COLLECTION, target.id];
      const note = new Note({
        id: noteUri,
        attribution: ctx.getActorUri(USERNAME),
        content: requireString(body, "content"),
        tos: to,
        ccs: [ctx.getFollowersUri(USERNAME)],
        replyTarget: body.inReplyTo ? new URL(body.inReplyTo) : null,
        published: Temporal.Now.instant(),
      });
      notes.set(id, note);
      const create = new Create({
        id: new URL(`/creates/${id}`, ctx.origin),
        actor: ctx.getActorUri(USERNAME),
        object: note,
        tos: to,
        ccs: [ctx.getFollowersUri(USERNAME)],
      });
      await ctx.sendActivity({ identifier: USERNAME }, target, create);
      return [200, { createId: create.id.href, noteId: noteUri.href }];
    }
    return [404, { error: `no control endpoint ${req.method} ${p}` }];
  }

  function requireString(body, key) {
    const v = body?.[key];
    if (typeof v !== "string" || v === "") {
      const e = new Error(`body needs a string "${key}"`);
      e.status = 400;
      throw e;
    }
    return v;
  }

  // ---- HTTP server ----
  function readBody(req) {
    return new Promise((resolve, reject) => {
      const chunks = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", () => resolve(Buffer.concat(chunks)));
      req.on("error", reject);
    });
  }

  let port = 0;

  async function handle(req, res) {
    const url = new URL(req.url, `http://${HOST}:${port}`);
    const body = await readBody(req);
    if (url.pathname.startsWith("/control/")) {
      let status, payload;
      try {
        const json = body.length ? JSON.parse(body.toString("utf8")) : {};
        [status, payload] = await control(req, url, json);
      } catch (error) {
        status = error.status ?? (error instanceof SyntaxError ? 400 : 502);
        payload = { error: String(error?.message ?? error) };
        log(`control ${req.method} ${url.pathname} failed: ${error?.stack ?? error}`);
      }
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(JSON.stringify(payload));
      return;
    }
    const headers = new Headers();
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
    }
    const request = new Request(url, {
      method: req.method,
      headers,
      body: req.method === "GET" || req.method === "HEAD" ? undefined : body,
    });
    const response = await federation.fetch(request, { contextData: undefined });
    if (url.pathname.includes("inbox") || response.status >= 400) {
      log(`${req.method} ${url.pathname} -> ${response.status}`);
    }
    const out = Buffer.from(await response.arrayBuffer());
    const outHeaders = {};
    response.headers.forEach((v, k) => (outHeaders[k] = v));
    res.writeHead(response.status, outHeaders);
    res.end(out);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error) => {
      log(`unhandled ${req.method} ${req.url}: ${error?.stack ?? error}`);
      if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain" });
      res.end("internal error");
    });
  });

  server.listen(Number(args.port), HOST, () => {
    port = server.address().port;
    process.stdout.write(
      JSON.stringify({ ready: true, port, actor: `http://${HOST}:${port}/users/${USERNAME}` }) + "\n",
    );
  });

  function shutdown(sig) {
    const t0 = Date.now();
    log(`${sig}: shutting down`);
    server.close(() => {
      log(`closed after ${Date.now() - t0} ms`);
      process.exit(0);
    });
    server.closeAllConnections?.();
    setTimeout(() => process.exit(0), 2000).unref();
  }
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}
