// Independent ActivityPub test peer built on @fedify/fedify 2.3.6 (RFC 9421 first, draft-cavage on the second knock),
// run with the Node 22 that this folder's lockfile installs (node_modules/.bin/node).
// The peer itself is ../peer-common.mjs, shared with ../fedify; this file
// brings it this folder's Fedify.
//
//   node_modules/.bin/node peer.mjs [--port 0] [--username peer] [--log-level warning] [--no-doc-cache] [--software name@version]
import * as vocab from "@fedify/vocab";
import * as fedify from "@fedify/fedify";
import * as logtape from "@logtape/logtape";
import { Temporal } from "@js-temporal/polyfill";
import { runPeer } from "../peer-common.mjs";

// Fedify 2.x has the vocabulary in @fedify/vocab and takes NodeInfo's
// version as a string.
await runPeer({ vocab, fedify, logtape, Temporal, softwareVersion: (v) => v });
