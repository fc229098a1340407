//go:build unix

package federation_test

// Benchmarks for the targets in docs/BENCHMARKS.md ("Federation"):
//
//   - BenchmarkFanout: one Create to 10,000 followers on 1,000 shared
//     inboxes, through the persistent queue to a loopback sink, beside the
//     cost of 1,000 RSA-2048 signatures alone (target: within 1.5×).
//   - BenchmarkThroughput: WebFinger and actor GETs through the hub's full
//     handler under a concurrent keep-alive load, beside a bare net/http
//     handler serving the same bytes in the same run (target: ≥ 0.85).
//
// Each does its whole scenario per iteration, so -benchtime 1x gives the
// figures; the default ns/op is suppressed in favour of named metrics.
// Both are loopback-only and stop by themselves (each scenario is bounded
// in time). Both report other-cores: how many cores other processes used
// meanwhile, so a figure spoilt by a busy shared machine can be told.
//
//	go test -tags sqlite_fts5 -run '^$' -bench 'Fanout|Throughput' -benchtime 1x ./federation/
//
// The flags -fanout.workers and -fanout.writelock (after the package)
// are for experiments; see their definitions.

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/go-fed/httpsig"

	"github.com/commonplace-hub/commonplace/federation"
	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/hub/web"
	"github.com/commonplace-hub/commonplace/storage"
)

// Scenario sizes, from the issue.
const (
	fanoutFollowers = 10_000
	fanoutInboxes   = 1_000
	fanoutTimeout   = 2 * time.Minute // a stuck fan-out fails instead of hanging

	loadWorkers = 32                     // concurrent keep-alive clients
	loadWindow  = 300 * time.Millisecond // one measuring window
	loadRounds  = 10                     // windows per side; the sides take turns
	loadWarmup  = 300 * time.Millisecond
	handlerRuns = 5_000 // in-process ServeHTTP calls per side
)

// fanoutWorkers overrides federation's delivery concurrency (0: its
// default), to see whether the fan-out is bound by CPU or by waiting:
// go test -tags sqlite_fts5 -run '^$' -bench Fanout ./federation/ -fanout.workers 64
var fanoutWorkers = flag.Int("fanout.workers", 0, "delivery workers for BenchmarkFanout (0: federation's default)")

// quietLogger keeps warnings and errors visible and drops the rest.
func quietLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// benchHub is a hub over a fresh database: the service and its federation.
type benchHub struct {
	db  *storage.DB
	svc *hub.Service
	fed *federation.Federation
}

// newBenchHub opens a database in a temporary folder and starts a hub on
// it whose public URL is base. Deliveries to loopback are allowed. wrap,
// if set, wraps the federation store (to time its calls).
func newBenchHub(b *testing.B, base *url.URL, wrap func(hub.FederationStore) hub.FederationStore) *benchHub {
	b.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, b.TempDir()+"/hub.db")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	log := quietLogger()
	var store hub.FederationStore = db.Federation()
	if wrap != nil {
		store = wrap(store)
	}
	fed, err := federation.New(ctx, federation.Config{
		Content:      hub.NewReader(db.Stores()),
		Store:        store,
		BaseURL:      base,
		Logger:       log,
		AllowPrivate: true,
		Workers:      *fanoutWorkers,
	})
	if err != nil {
		b.Fatal(err)
	}
	svc := hub.NewService(db.Stores(), log, hub.WithNotifier(fed), hub.WithFederation(fed))
	return &benchHub{db: db, svc: svc, fed: fed}
}

// signer returns a Signer with the hub actor's own stored key, so the
// reference signatures cost exactly what the hub's do.
func (h *benchHub) signer(b *testing.B) *federation.Signer {
	b.Helper()
	privPEM, err := h.db.Federation().ActorKey(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	block, _ := pem.Decode([]byte(privPEM))
	if block == nil {
		b.Fatal("actor key: no PEM block")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		b.Fatal(err)
	}
	key, ok := k.(*rsa.PrivateKey)
	if !ok || key.N.BitLen() != 2048 {
		b.Fatalf("actor key is %T, want a 2048-bit RSA key", k)
	}
	return &federation.Signer{KeyID: h.fed.ActorID() + "#main-key", Key: key}
}

// ---- fan-out ----

// receivedPost is the first POST an inbox got, kept to check afterwards.
type receivedPost struct {
	method string
	host   string
	path   string
	header http.Header
	body   []byte
}

// inboxSink is a fake fediverse: n shared inboxes at /inbox/0 … /inbox/n-1
// on one loopback server, answering 202 and counting what each receives.
// Checks happen after the timed part, so the sink costs what a fast
// remote server would.
type inboxSink struct {
	*httptest.Server
	n int

	mu       sync.Mutex
	counts   []int
	first    []*receivedPost
	distinct int
	strays   []string // requests that were not a POST to a known inbox
	all      chan struct{}
}

func newInboxSink(b *testing.B, n int) *inboxSink {
	s := &inboxSink{n: n}
	s.reset()
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	b.Cleanup(s.Close)
	return s
}

// reset forgets what was received, for the next iteration.
func (s *inboxSink) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts, s.first, s.distinct, s.strays = make([]int, s.n), make([]*receivedPost, s.n), 0, nil
	s.all = make(chan struct{})
}

func (s *inboxSink) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	num, ok := strings.CutPrefix(r.URL.Path, "/inbox/")
	i, convErr := strconv.Atoi(num)
	if err != nil || !ok || convErr != nil || i < 0 || i >= s.n || r.Method != http.MethodPost {
		s.mu.Lock()
		s.strays = append(s.strays, r.Method+" "+r.URL.Path)
		s.mu.Unlock()
		http.NotFound(w, r)
		return
	}
	s.mu.Lock()
	s.counts[i]++
	if s.counts[i] == 1 {
		s.first[i] = &receivedPost{method: r.Method, host: r.Host, path: r.URL.RequestURI(), header: r.Header.Clone(), body: body}
		s.distinct++
		if s.distinct == s.n {
			close(s.all)
		}
	}
	s.mu.Unlock()
	w.WriteHeader(http.StatusAccepted)
}

// queueTimer wraps a federation store and adds up the wall time of the
// delivery loop's two queue writes, which SQLite serialises: claiming
// (one call at a time, from the loop) and recording outcomes (from every
// worker at once).
type queueTimer struct {
	hub.FederationStore
	claims, claimed, finishes atomic.Int64
	claimWall, finishWall     atomic.Int64 // nanoseconds
}

func (q *queueTimer) ClaimDeliveries(ctx context.Context, now time.Time, lease time.Duration, n int, skipHosts ...string) ([]hub.DeliveryJob, error) {
	t0 := time.Now()
	jobs, err := q.FederationStore.ClaimDeliveries(ctx, now, lease, n, skipHosts...)
	q.claimWall.Add(int64(time.Since(t0)))
	q.claims.Add(1)
	q.claimed.Add(int64(len(jobs)))
	return jobs, err
}

func (q *queueTimer) FinishDelivery(ctx context.Context, id int64, ok bool, status int, errMsg string, next *time.Time, now time.Time) error {
	t0 := time.Now()
	err := q.FederationStore.FinishDelivery(ctx, id, ok, status, errMsg, next, now)
	q.finishWall.Add(int64(time.Since(t0)))
	q.finishes.Add(1)
	return err
}

func (q *queueTimer) reset() {
	q.claims.Store(0)
	q.claimed.Store(0)
	q.finishes.Store(0)
	q.claimWall.Store(0)
	q.finishWall.Store(0)
}

// cpuTime is the CPU time (user and system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// systemBusy is the CPU time every process has used since boot, from
// /proc/stat (0 where there is none): with cpuTime it tells how much of
// a shared machine other work took during a measurement.
func systemBusy() time.Duration {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line) // cpu user nice system idle iowait irq softirq steal ...
	if len(f) < 9 || f[0] != "cpu" {
		return 0
	}
	var ticks int64
	for _, i := range []int{1, 2, 3, 6, 7, 8} {
		n, _ := strconv.ParseInt(f[i], 10, 64)
		ticks += n
	}
	return time.Duration(ticks) * (time.Second / 100) // USER_HZ is 100 on Linux
}

// BenchmarkFanout publishes one event to 10,000 followers on 1,000 shared
// inboxes and times it from CreateEvent until the sink has every POST,
// with the delivery loop running as in production (16 workers). In the
// same run it times 1,000 RSA-2048 signatures of the same body with
// federation.Signer alone, on GOMAXPROCS goroutines just before and just
// after the fan-out (their mean is the reference for the target, since
// the fan-out may use every core too), and on one goroutine.
// Every inbox must get exactly one POST, and every POST must carry a
// valid Digest and a signature that verifies with the hub's public key.
func BenchmarkFanout(b *testing.B) {
	ctx := context.Background()
	sink := newInboxSink(b, fanoutInboxes)
	queue := &queueTimer{}
	h := newBenchHub(b, &url.URL{Scheme: "https", Host: "hub.example"}, func(s hub.FederationStore) hub.FederationStore {
		queue.FederationStore = s
		return queue
	})
	store := h.db.Federation()
	for i := range fanoutFollowers {
		actor := fmt.Sprintf("%s/users/u%d", sink.URL, i)
		if err := store.SaveFollower(ctx, &hub.FollowerRecord{
			ActorID:     actor,
			FollowID:    actor + "/follows/hub",
			Inbox:       actor + "/inbox",
			SharedInbox: fmt.Sprintf("%s/inbox/%d", sink.URL, i%fanoutInboxes),
			Username:    fmt.Sprintf("u%d", i),
			CreatedAt:   time.Now(),
		}); err != nil {
			b.Fatal(err)
		}
	}
	if boxes, err := store.FollowerInboxes(ctx); err != nil || len(boxes) != fanoutInboxes {
		b.Fatalf("follower inboxes: got %d (%v), want %d", len(boxes), err, fanoutInboxes)
	}
	runCtx, stop := context.WithCancel(ctx)
	stopped := make(chan struct{})
	go func() { defer close(stopped); h.fed.Run(runCtx) }()
	b.Cleanup(func() { stop(); <-stopped })
	signer := h.signer(b)
	host := hub.HostContext(ctx)
	procs := runtime.GOMAXPROCS(0)

	// One untimed fan-out first: it opens the delivery client's
	// connections and gives the body the first reference pass signs.
	warm := fanoutOnce(b, h, sink, queue, host, "warm-up")
	body := warm.body

	var sum fanoutRun
	var signPar, signSer time.Duration
	b.ResetTimer()
	for i := range b.N {
		// The reference brackets the fan-out, so load from elsewhere on a
		// shared machine weighs on both alike.
		before := timeSignatures(b, signer, sink.URL, body, procs)
		r := fanoutOnce(b, h, sink, queue, host, strconv.Itoa(i))
		body = r.body
		after := timeSignatures(b, signer, sink.URL, body, procs)
		signPar += (before + after) / 2
		signSer += timeSignatures(b, signer, sink.URL, body, 1)
		sum.add(r)
	}
	n := float64(b.N)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) / n }
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(ms(sum.fanout), "fanout-ms")
	b.ReportMetric(ms(sum.enqueue), "enqueue-ms")
	b.ReportMetric(ms(sum.drained), "drained-ms")
	b.ReportMetric(ms(signPar), "sign1000-ms")
	b.ReportMetric(ms(signSer), "sign1000-1core-ms")
	b.ReportMetric(float64(sum.fanout)/float64(signPar), "fanout/sign")
	b.ReportMetric(float64(sum.fanout)/float64(signSer), "fanout/sign-1core")
	// Where the fan-out's time goes: cores this process kept busy (sink
	// included) and cores other processes used, over the fan-out's wall
	// time; the queue's claims, the wall time spent in them and in
	// recording outcomes (summed over workers) until the last POST arrived.
	b.ReportMetric(float64(sum.cpu)/float64(sum.fanout), "fanout-cores")
	b.ReportMetric(float64(sum.foreign)/float64(sum.fanout), "other-cores")
	b.ReportMetric(float64(sum.claims)/n, "claims")
	b.ReportMetric(ms(sum.claimWall), "claim-ms")
	b.ReportMetric(ms(sum.finishWall), "finish-sum-ms")
}

// fanoutRun is what one fan-out measured.
type fanoutRun struct {
	fanout, enqueue, drained time.Duration // from CreateEvent to: last POST, CreateEvent's return, empty queue
	cpu, foreign             time.Duration // CPU time of this process, and of others, during fanout
	claims                   int64
	claimWall, finishWall    time.Duration
	body                     []byte // the Create delivered
}

func (r *fanoutRun) add(o fanoutRun) {
	r.fanout += o.fanout
	r.enqueue += o.enqueue
	r.drained += o.drained
	r.cpu += o.cpu
	r.foreign += o.foreign
	r.claims += o.claims
	r.claimWall += o.claimWall
	r.finishWall += o.finishWall
}

// fanoutOnce creates an event, times its delivery to every sink inbox,
// waits for the queue to drain and checks what the sink received.
func fanoutOnce(b *testing.B, h *benchHub, sink *inboxSink, queue *queueTimer, host context.Context, label string) fanoutRun {
	b.Helper()
	sink.reset()
	queue.reset()
	title := fmt.Sprintf("Fan-out bench %s at %d", label, time.Now().UnixNano())
	start := time.Now().Add(7 * 24 * time.Hour).Truncate(time.Hour)
	ev := &hub.Event{Title: title, Description: "A benchmark event.", TimeZone: "Europe/London",
		Start: start, End: start.Add(2 * time.Hour)}

	var r fanoutRun
	cpu0, busy0, t0 := cpuTime(), systemBusy(), time.Now()
	if err := h.svc.CreateEvent(host, ev); err != nil {
		b.Fatal(err)
	}
	r.enqueue = time.Since(t0)
	select {
	case <-sink.all:
	case <-time.After(fanoutTimeout):
		sink.mu.Lock()
		got := sink.distinct
		sink.mu.Unlock()
		b.Fatalf("after %s only %d of %d inboxes got the Create", fanoutTimeout, got, sink.n)
	}
	r.fanout = time.Since(t0)
	r.cpu = cpuTime() - cpu0
	r.foreign = max(0, systemBusy()-busy0-r.cpu)
	r.claims = queue.claims.Load()
	r.claimWall, r.finishWall = time.Duration(queue.claimWall.Load()), time.Duration(queue.finishWall.Load())
	waitDrained(b, h.db.Federation())
	r.drained = time.Since(t0)
	r.body = checkFanout(b, h, sink, title)
	return r
}

// waitDrained waits until the queue has no pending delivery left, so the
// next iteration starts clean and no delivery is still being recorded.
func waitDrained(b *testing.B, store hub.FederationStore) {
	b.Helper()
	deadline := time.Now().Add(fanoutTimeout)
	for {
		pending, err := store.Deliveries(context.Background(), "pending", 1)
		if err != nil {
			b.Fatal(err)
		}
		if len(pending) == 0 {
			break
		}
		if time.Now().After(deadline) {
			b.Fatalf("deliveries still pending after %s", fanoutTimeout)
		}
		time.Sleep(2 * time.Millisecond)
	}
	failed, err := store.Deliveries(context.Background(), "failed", 5)
	if err != nil {
		b.Fatal(err)
	}
	if len(failed) > 0 {
		b.Fatalf("%d+ deliveries failed, e.g. to %s: %s", len(failed), failed[0].Inbox, failed[0].LastError)
	}
}

// checkFanout checks the sink got one Create of the event at every inbox,
// exactly once, with a correct Digest and a signature that verifies with
// the hub's public key, and returns the activity's body.
func checkFanout(b *testing.B, h *benchHub, sink *inboxSink, title string) []byte {
	b.Helper()
	sink.mu.Lock()
	defer sink.mu.Unlock()
	if len(sink.strays) > 0 {
		b.Fatalf("%d stray requests, e.g. %s", len(sink.strays), sink.strays[0])
	}
	for i, c := range sink.counts {
		if c != 1 {
			b.Fatalf("inbox %d got %d POSTs, want exactly 1", i, c)
		}
	}
	body := sink.first[0].body
	var act struct {
		Type   string
		Actor  string
		Object struct{ Type, Name string }
	}
	if err := json.Unmarshal(body, &act); err != nil {
		b.Fatalf("delivered body is not JSON: %v", err)
	}
	if act.Type != "Create" || act.Actor != h.fed.ActorID() || act.Object.Type != "Event" || act.Object.Name != title {
		b.Fatalf("delivered %s by %s of %s %q, want Create by %s of Event %q", act.Type, act.Actor, act.Object.Type, act.Object.Name, h.fed.ActorID(), title)
	}
	keyID := h.fed.ActorID() + "#main-key"
	for i, p := range sink.first {
		if !bytes.Equal(p.body, body) {
			b.Fatalf("inbox %d got a different body from inbox 0", i)
		}
		if err := verifyPost(p, h.fed.PublicKey(), keyID); err != nil {
			b.Fatalf("inbox %d: %v", i, err)
		}
	}
	// The check must be able to fail: a changed Date breaks the signature.
	forged := *sink.first[0]
	forged.header = forged.header.Clone()
	forged.header.Set("Date", time.Now().Add(time.Minute).UTC().Format(http.TimeFormat))
	if verifyPost(&forged, h.fed.PublicKey(), keyID) == nil {
		b.Fatal("a POST with a changed Date header still verified")
	}
	return body
}

// verifyPost checks a received POST as a receiving server would: the
// Digest matches the body, and the signature is the hub's, covers the
// request target, Host, Date, Digest and Content-Type, and verifies.
func verifyPost(p *receivedPost, key *rsa.PublicKey, keyID string) error {
	sum := sha256.Sum256(p.body)
	if want := "SHA-256=" + base64.StdEncoding.EncodeToString(sum[:]); p.header.Get("Digest") != want {
		return fmt.Errorf("Digest %q, want %q", p.header.Get("Digest"), want)
	}
	if sig := p.header.Get("Signature"); !strings.Contains(sig, `headers="(request-target) host date digest content-type"`) {
		return fmt.Errorf("signature does not cover the expected headers: %s", sig)
	}
	u, err := url.ParseRequestURI(p.path)
	if err != nil {
		return err
	}
	r := &http.Request{Method: p.method, URL: u, Host: p.host, Header: p.header.Clone()}
	v, err := httpsig.NewVerifier(r)
	if err != nil {
		return err
	}
	if v.KeyId() != keyID {
		return fmt.Errorf("signed by %s, want %s", v.KeyId(), keyID)
	}
	if err := v.Verify(key, httpsig.RSA_SHA256); err != nil {
		return fmt.Errorf("signature does not verify: %w", err)
	}
	return nil
}

// timeSignatures signs 1,000 POSTs of body, one to each sink inbox, on
// the given number of goroutines, and returns the wall time. Requests are
// built before timing: only Sign (Digest and RSA-SHA256) is measured.
func timeSignatures(b *testing.B, s *federation.Signer, base string, body []byte, goroutines int) time.Duration {
	b.Helper()
	reqs := make([]*http.Request, fanoutInboxes)
	for i := range reqs {
		r, err := http.NewRequest(http.MethodPost, base+"/inbox/"+strconv.Itoa(i), bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		r.Header.Set("Content-Type", "application/activity+json")
		reqs[i] = r
	}
	var next atomic.Int64
	errs := make(chan error, goroutines)
	now := time.Now()
	t0 := time.Now()
	for range goroutines {
		go func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(reqs) {
					errs <- nil
					return
				}
				if err := s.Sign(reqs[i], body, now); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for range goroutines {
		if err := <-errs; err != nil {
			b.Fatal(err)
		}
	}
	d := time.Since(t0)
	for _, r := range reqs {
		if r.Header.Get("Signature") == "" || r.Header.Get("Digest") == "" {
			b.Fatal("a reference request was left unsigned")
		}
	}
	return d
}

// ---- GET throughput ----

// newHTTPServer is an HTTP server with the limits the serve command uses,
// serving h on a loopback listener until the benchmark ends.
func newHTTPServer(b *testing.B, ln net.Listener, h http.Handler) {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	go srv.Serve(ln)
	b.Cleanup(func() { srv.Close() })
}

func listenLoopback(b *testing.B) net.Listener {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	return ln
}

// document is a GET the load generator makes and the answer it expects.
type document struct {
	path   string // with the query
	accept string
	ctype  string
	header http.Header // all the hub sent, but Date and Content-Length
	body   []byte
}

// capture fetches path from the hub and keeps its answer as the expected one.
func capture(b *testing.B, base, path, accept string) document {
	b.Helper()
	resp, body := getWith(b, base+path, accept)
	if resp.StatusCode != http.StatusOK {
		b.Fatalf("GET %s: %s: %s", path, resp.Status, body)
	}
	header := resp.Header.Clone()
	header.Del("Date")
	header.Del("Content-Length")
	return document{path: path, accept: accept, ctype: resp.Header.Get("Content-Type"), header: header, body: body}
}

// loadResult is what one load window measured.
type loadResult struct {
	requests int
	errors   int
	firstErr string
	elapsed  time.Duration
	latency  []time.Duration
}

func (r *loadResult) add(o loadResult) {
	r.requests += o.requests
	r.errors += o.errors
	if r.firstErr == "" {
		r.firstErr = o.firstErr
	}
	r.elapsed += o.elapsed
	r.latency = append(r.latency, o.latency...)
}

func (r *loadResult) perSecond() float64 { return float64(r.requests) / r.elapsed.Seconds() }

// percentile returns the p-th percentile latency in microseconds.
func (r *loadResult) percentile(p int) float64 {
	if len(r.latency) == 0 {
		return 0
	}
	slices.Sort(r.latency)
	return float64(r.latency[(len(r.latency)-1)*p/100]) / float64(time.Microsecond)
}

// loadClients are the load generator's clients: one keep-alive
// connection each, reused across windows.
func loadClients() []*http.Client {
	clients := make([]*http.Client, loadWorkers)
	for i := range clients {
		clients[i] = &http.Client{Transport: &http.Transport{
			Proxy:               nil,
			MaxIdleConnsPerHost: 1,
			DisableCompression:  true,
			IdleConnTimeout:     time.Minute,
		}}
	}
	return clients
}

// load GETs doc from base with every client, back to back, for d, and
// checks each answer is 200 with the expected Content-Type and body.
func load(clients []*http.Client, base string, doc document, d time.Duration) loadResult {
	results := make([]loadResult, len(clients))
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(d)
	for w, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := &results[w]
			res.latency = make([]time.Duration, 0, 4096)
			req, _ := http.NewRequest(http.MethodGet, base+doc.path, nil)
			req.Header.Set("Accept", doc.accept)
			var buf bytes.Buffer
			fail := func(msg string) {
				res.errors++
				if res.firstErr == "" {
					res.firstErr = msg
				}
			}
			for t0 := time.Now(); t0.Before(deadline); t0 = time.Now() {
				resp, err := c.Do(req)
				if err != nil {
					fail(err.Error())
					continue
				}
				buf.Reset()
				_, err = buf.ReadFrom(resp.Body)
				resp.Body.Close()
				res.latency = append(res.latency, time.Since(t0))
				res.requests++
				switch {
				case err != nil:
					fail(err.Error())
				case resp.StatusCode != http.StatusOK:
					fail(resp.Status)
				case resp.Header.Get("Content-Type") != doc.ctype:
					fail("Content-Type " + resp.Header.Get("Content-Type"))
				case !bytes.Equal(buf.Bytes(), doc.body):
					fail("a different body: " + buf.String())
				}
			}
		}()
	}
	wg.Wait()
	total := loadResult{elapsed: time.Since(start)}
	for _, r := range results {
		r.elapsed = 0
		total.add(r)
	}
	return total
}

// handlerCost is the mean time of one in-process ServeHTTP of doc by h,
// without the network or the load generator: the server's own share.
func handlerCost(h http.Handler, doc document) (time.Duration, error) {
	req := httptest.NewRequest(http.MethodGet, doc.path, nil)
	req.Header.Set("Accept", doc.accept)
	once := func() error {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || !bytes.Equal(rec.Body.Bytes(), doc.body) {
			return fmt.Errorf("in-process GET %s: %d %s", doc.path, rec.Code, rec.Body)
		}
		return nil
	}
	for range handlerRuns / 10 {
		if err := once(); err != nil {
			return 0, err
		}
	}
	t0 := time.Now()
	for range handlerRuns {
		if err := once(); err != nil {
			return 0, err
		}
	}
	return time.Since(t0) / handlerRuns, nil
}

// BenchmarkThroughput loads WebFinger and the actor document through the
// hub's full handler (router, middleware, federation) on a real
// http.Server, and through a bare net/http handler writing the same bytes
// with the same Content-Type on a second server, with loadWorkers
// keep-alive clients. A third server, "bare-hdr", also sends every header
// the hub sends (security headers, Vary, Cache-Control, CORS), to tell
// the cost of those headers on the wire from that of the hub's code. The
// servers take turns in loadRounds windows of loadWindow each, so all see
// the same machine; ratios are medians over rounds. Every answer must be
// 200 with the expected Content-Type and body. It reports requests/s, the
// ratios, p50/p99 latency, and each handler's in-process cost per request.
func BenchmarkThroughput(b *testing.B) {
	hubLn, bareLn, hdrLn := listenLoopback(b), listenLoopback(b), listenLoopback(b)
	hubBase := "http://" + hubLn.Addr().String()
	base, _ := url.Parse(hubBase)
	h := newBenchHub(b, base, nil)
	handler, err := web.New(web.Config{Service: h.svc, BaseURL: base, Logger: quietLogger(), ActivityPub: h.fed})
	if err != nil {
		b.Fatal(err)
	}
	newHTTPServer(b, hubLn, handler)

	st, err := h.svc.Settings(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	handle := "acct:" + st.Handle + "@" + base.Host
	docs := []struct {
		name  string
		doc   document
		check func(body []byte) error
	}{
		{"webfinger", capture(b, hubBase, "/.well-known/webfinger?resource="+url.QueryEscape(handle), "application/jrd+json"),
			func(body []byte) error {
				var jrd struct {
					Subject string
					Links   []struct{ Rel, Href string }
				}
				if err := json.Unmarshal(body, &jrd); err != nil || jrd.Subject != handle || len(jrd.Links) == 0 || jrd.Links[0].Href != h.fed.ActorID() {
					return fmt.Errorf("not the hub's WebFinger: %s", body)
				}
				return nil
			}},
		{"actor", capture(b, hubBase, "/actor", "application/activity+json"),
			func(body []byte) error {
				var actor struct {
					ID, Type  string
					PublicKey struct{ PublicKeyPem string }
				}
				if err := json.Unmarshal(body, &actor); err != nil || actor.ID != h.fed.ActorID() || actor.Type != "Group" || actor.PublicKey.PublicKeyPem == "" {
					return fmt.Errorf("not the hub's actor: %s", body)
				}
				return nil
			}},
	}
	bare, bareHdr := http.NewServeMux(), http.NewServeMux()
	for _, d := range docs {
		if err := d.check(d.doc.body); err != nil {
			b.Fatal(err)
		}
		path, _, _ := strings.Cut(d.doc.path, "?")
		bare.HandleFunc("GET "+path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", d.doc.ctype)
			w.Write(d.doc.body)
		})
		bareHdr.HandleFunc("GET "+path, func(w http.ResponseWriter, r *http.Request) {
			for k, v := range d.doc.header {
				w.Header()[k] = v
			}
			w.Write(d.doc.body)
		})
	}
	newHTTPServer(b, bareLn, bare)
	newHTTPServer(b, hdrLn, bareHdr)
	sides := []struct {
		name    string
		base    string
		handler http.Handler
	}{
		{"hub", hubBase, handler},
		{"bare", "http://" + bareLn.Addr().String(), bare},
		{"bare-hdr", "http://" + hdrLn.Addr().String(), bareHdr},
	}
	clients := loadClients()

	for _, d := range docs {
		b.Run(d.name, func(b *testing.B) {
			res := make([]loadResult, len(sides))
			cost := make([]time.Duration, len(sides))
			var vsBare, vsHdr []float64 // hub's share of each, per round
			cpu0, busy0, t0 := cpuTime(), systemBusy(), time.Now()
			for range b.N {
				for _, s := range sides {
					load(clients, s.base, d.doc, loadWarmup)
				}
				for round := range loadRounds {
					// Rotate the order, so no side always follows another.
					perSec := make([]float64, len(sides))
					for k := range sides {
						i := (round + k) % len(sides)
						r := load(clients, sides[i].base, d.doc, loadWindow)
						perSec[i] = r.perSecond()
						res[i].add(r)
					}
					vsBare = append(vsBare, perSec[0]/perSec[1])
					vsHdr = append(vsHdr, perSec[0]/perSec[2])
				}
				for i, s := range sides {
					c, err := handlerCost(s.handler, d.doc)
					if err != nil {
						b.Fatalf("%s: %v", s.name, err)
					}
					cost[i] += c
				}
			}
			foreign := max(0, systemBusy()-busy0-(cpuTime()-cpu0))
			wall := time.Since(t0)
			for i, s := range sides {
				if r := res[i]; r.errors > 0 || r.requests == 0 {
					b.Fatalf("%s: %d of %d requests failed; first: %s", s.name, r.errors, r.requests, r.firstErr)
				}
			}
			median := func(v []float64) float64 { slices.Sort(v); return v[len(v)/2] }
			b.ReportMetric(0, "ns/op")
			// The median of the rounds' ratios: a burst of other work on a
			// shared machine spoils one round, not the figure.
			b.ReportMetric(median(vsBare), "hub/bare")
			b.ReportMetric(median(vsHdr), "hub/bare-hdr")
			for i, s := range sides {
				b.ReportMetric(res[i].perSecond(), s.name+"-req/s")
				b.ReportMetric(res[i].percentile(50), s.name+"-p50-us")
				b.ReportMetric(res[i].percentile(99), s.name+"-p99-us")
				b.ReportMetric(float64(cost[i])/float64(time.Microsecond)/float64(b.N), s.name+"-handler-us")
			}
			b.ReportMetric(float64(foreign)/float64(wall), "other-cores")
		})
	}
}
