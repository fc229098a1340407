// Independent ActivityPub test peer built on @fedify/fedify 1.6.2 (RFC 9421 first, draft-cavage on the second knock).
// The peer itself is ../peer-common.mjs, shared with ../fedify2; this file
// brings it this folder's Fedify.
//
//   node peer.mjs [--port 0] [--username peer] [--log-level warning] [--no-doc-cache] [--software name@version]
import "./node20.mjs";
import * as fedify from "@fedify/fedify";
import * as logtape from "@logtape/logtape";
import { Temporal } from "@js-temporal/polyfill";
import { runPeer } from "../peer-common.mjs";

// Fedify 1.x keeps the vocabulary in the main package and wants a parsed
// semantic version in NodeInfo.
await runPeer({ vocab: fedify, fedify, logtape, Temporal, softwareVersion: (v) => fedify.parseSemVer(v) });
