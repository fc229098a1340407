// Package federation is the hub's ActivityPub edge: the Group actor,
// WebFinger, host-meta and NodeInfo, the inbox, the outbox and followers
// collections, HTTP signatures, remote fetches, the persistent delivery
// queue, and the mapping between hub items and ActivityStreams objects.
//
// It depends on package hub and nothing above it. Storage implements Store;
// cmd/commonplace wires a Federation into the hub's Service (as its
// ChangeNotifier and Federation) and mounts its Handler's routes.
//
// docs/FEDERATION.md describes what the hub sends and accepts.
package federation
