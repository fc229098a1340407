package signature

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/dunglas/httpsfv"
)

// RFC 9421 HTTP message signatures: the Signature-Input field names what a
// signature covers and its parameters, the Signature field carries it,
// both Structured Field dictionaries keyed by a label (parsed with
// github.com/dunglas/httpsfv). Mastodon 4.5 and Fedify send them.

var (
	_ Verifier = RFC9421Verifier{}
	_ Verifier = schemeVerifier{}
)

// RFC9421Verifier verifies RFC 9421 HTTP message signatures with
// rsa-v1_5-sha256, rsa-pss-sha512 (RSA keys) and ed25519 (Ed25519 keys).
// A signature must cover @method and the target (@target-uri, or
// @authority with @path), the Content-Digest of a body, and carry a
// created time and a keyid, as Mastodon requires.
type RFC9421Verifier struct{}

// NewVerifier returns the Verifier the inbox uses: RFC 9421 for a request
// with a Signature-Input field, draft-cavage otherwise.
func NewVerifier() Verifier { return schemeVerifier{} }

type schemeVerifier struct{}

func (schemeVerifier) Parse(h http.Header) (*Params, error) {
	if len(h.Values("Signature-Input")) > 0 {
		return parseSignatureInput(h)
	}
	return parseSignature(h)
}

func (schemeVerifier) Check(r *http.Request, p *Params, body []byte, now time.Time) error {
	if p.Scheme == RFC9421 {
		return RFC9421Verifier{}.Check(r, p, body, now)
	}
	return CavageVerifier{}.Check(r, p, body, now)
}

func (schemeVerifier) Verify(r *http.Request, p *Params, key crypto.PublicKey) error {
	if p.Scheme == RFC9421 {
		return RFC9421Verifier{}.Verify(r, p, key)
	}
	return CavageVerifier{}.Verify(r, p, key)
}

// The algorithms of the HTTP Signature Algorithms registry the hub takes.
const (
	AlgRSAv15SHA256 = "rsa-v1_5-sha256"
	AlgRSAPSSSHA512 = "rsa-pss-sha512"
	AlgEd25519      = "ed25519"
)

// Bounds on what a Signature-Input may hold, so a hostile one costs little.
const (
	maxSignatureLabels     = 8
	maxSignatureComponents = 32
)

// rfc9421Input is the one signature of a request the hub verifies: its
// label, the covered components with the signature parameters (as the
// Signature-Input member) and the signature's bytes.
type rfc9421Input struct {
	label      string
	components httpsfv.InnerList
	sig        []byte
}

// Parse reads the RFC 9421 Signature-Input and Signature fields.
func (RFC9421Verifier) Parse(h http.Header) (*Params, error) { return parseSignatureInput(h) }

// parseSignatureInput reads the first signature of the Signature-Input
// field that is well formed and has its value in the Signature field.
func parseSignatureInput(h http.Header) (*Params, error) {
	inputs := h.Values("Signature-Input")
	if len(inputs) == 0 {
		if h.Get("Signature") == "" {
			return nil, ErrNoSignature
		}
		return nil, errors.New("the Signature field has no Signature-Input field beside it")
	}
	in, err := httpsfv.UnmarshalDictionary(inputs)
	if err != nil {
		return nil, fmt.Errorf("malformed Signature-Input field: %v", err)
	}
	sigs, err := httpsfv.UnmarshalDictionary(h.Values("Signature"))
	if err != nil {
		return nil, fmt.Errorf("malformed Signature field: %v", err)
	}
	labels := in.Names()
	if len(labels) == 0 {
		return nil, errors.New("the Signature-Input field names no signature")
	}
	if len(labels) > maxSignatureLabels {
		return nil, fmt.Errorf("the Signature-Input field names %d signatures; at most %d are read", len(labels), maxSignatureLabels)
	}
	var firstErr error
	for _, label := range labels {
		p, err := readSignatureInput(in, sigs, label)
		if err == nil {
			return p, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	return nil, firstErr
}

// readSignatureInput reads the signature labelled label.
func readSignatureInput(in, sigs *httpsfv.Dictionary, label string) (*Params, error) {
	m, _ := in.Get(label)
	il, ok := m.(httpsfv.InnerList)
	if !ok {
		return nil, fmt.Errorf("malformed Signature-Input field: %s is not a list of components", label)
	}
	sm, ok := sigs.Get(label)
	if !ok {
		return nil, fmt.Errorf("the Signature field has no signature %s", label)
	}
	si, ok := sm.(httpsfv.Item)
	sig, isBytes := si.Value.([]byte)
	if !ok || !isBytes || len(sig) == 0 {
		return nil, fmt.Errorf("malformed Signature field: %s is not a byte sequence", label)
	}
	if len(il.Items) > maxSignatureComponents {
		return nil, fmt.Errorf("the signature %s covers %d components; at most %d are read", label, len(il.Items), maxSignatureComponents)
	}
	p := &Params{Scheme: RFC9421, Signature: base64.StdEncoding.EncodeToString(sig),
		rfc9421: &rfc9421Input{label: label, components: il, sig: sig}}
	for _, it := range il.Items {
		id, err := componentID(it)
		if err != nil {
			return nil, fmt.Errorf("signature %s: %v", label, err)
		}
		if p.Covers(id) {
			return nil, fmt.Errorf("signature %s covers %s twice", label, id)
		}
		p.Headers = append(p.Headers, id)
	}
	if err := readSignatureParams(p, il.Params); err != nil {
		return nil, fmt.Errorf("signature %s: %v", label, err)
	}
	return p, nil
}

// readSignatureParams reads created, expires, keyid and alg.
func readSignatureParams(p *Params, params *httpsfv.Params) error {
	for _, k := range params.Names() {
		v, _ := params.Get(k)
		var ok bool
		switch k {
		case "created":
			p.Created, ok = v.(int64)
		case "expires":
			p.Expires, ok = v.(int64)
		case "keyid":
			p.KeyID, ok = v.(string)
		case "alg":
			p.Algorithm, ok = v.(string)
		case "nonce", "tag":
			_, ok = v.(string)
		default:
			ok = true // parameters the hub does not use are signed all the same
		}
		if !ok {
			return fmt.Errorf("the parameter %s has the wrong type", k)
		}
	}
	switch {
	case p.KeyID == "":
		return errors.New("keyid is required")
	case p.Created <= 0:
		return errors.New("created is required")
	}
	switch p.Algorithm {
	case "", AlgRSAv15SHA256, AlgRSAPSSSHA512, AlgEd25519:
		return nil
	}
	return fmt.Errorf("signature algorithm %q is not supported; use %s, %s or %s", p.Algorithm, AlgRSAv15SHA256, AlgRSAPSSSHA512, AlgEd25519)
}

// componentID is how Params.Headers names a covered component: its name,
// followed by its parameters when it has any (@query-param;name="Pet").
func componentID(it httpsfv.Item) (string, error) {
	name, ok := it.Value.(string)
	if !ok || name == "" || name != strings.ToLower(name) {
		return "", errors.New("a component identifier must be a lower-case string")
	}
	for _, k := range it.Params.Names() {
		switch {
		case k == "name" && name == "@query-param":
		case (k == "key" || k == "bs") && !strings.HasPrefix(name, "@"):
		default:
			return "", fmt.Errorf("the component parameter %s of %s is not supported", k, name)
		}
	}
	if name == "@query-param" {
		if _, ok := it.Params.Get("name"); !ok {
			return "", errors.New("@query-param needs a name")
		}
	}
	if len(it.Params.Names()) == 0 {
		return name, nil
	}
	s, err := httpsfv.Marshal(it)
	if err != nil {
		return "", err
	}
	return strings.Replace(s, `"`+name+`"`, name, 1), nil
}

// mastodonDefaultLifetime and maxLifetime are how long a signature without
// expires lives, and the longest one with it, as Mastodon counts them.
const (
	defaultLifetime = 5 * time.Minute
	maxLifetime     = 12 * time.Hour
)

// Check applies what an RFC 9421 signature must cover (@method; the target
// as @target-uri, or @authority with @path; Content-Digest for a body),
// checks its created and expires times against now within the hub's
// clock window, and the Content-Digest against body.
func (RFC9421Verifier) Check(r *http.Request, p *Params, body []byte, now time.Time) error {
	if p.rfc9421 == nil {
		return errors.New("not an RFC 9421 signature")
	}
	if !p.Covers("@method") {
		return errors.New("the signature must cover @method")
	}
	if !p.Covers("@target-uri") && !(p.Covers("@authority") && p.Covers("@path")) {
		return errors.New("the signature must cover @target-uri, or @authority and @path")
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		if !p.Covers("content-digest") {
			return errors.New("the signature must cover the Content-Digest header")
		}
		if err := checkContentDigest(r.Header.Values("Content-Digest"), body); err != nil {
			return err
		}
	}
	created := time.Unix(p.Created, 0)
	if created.After(now.Add(maxClockSkew)) {
		return fmt.Errorf("the signature's created time %s is ahead of the hub's clock (%s)", created.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	expires := created.Add(defaultLifetime)
	if p.Expires != 0 {
		expires = time.Unix(p.Expires, 0)
	}
	if limit := created.Add(maxLifetime); expires.After(limit) {
		expires = limit
	}
	if now.After(expires.Add(maxClockSkew)) {
		return fmt.Errorf("the signature has expired (created %s)", created.UTC().Format(time.RFC3339))
	}
	return nil
}

// checkContentDigest compares an RFC 9530 Content-Digest field with the
// body: each sha-256 and sha-512 value it has must match, and it must
// have one.
func checkContentDigest(values []string, body []byte) error {
	if len(values) == 0 {
		return errors.New("the Content-Digest header is missing")
	}
	d, err := httpsfv.UnmarshalDictionary(values)
	if err != nil {
		return fmt.Errorf("malformed Content-Digest header: %v", err)
	}
	checked := 0
	for _, algo := range d.Names() {
		var sum []byte
		switch algo {
		case "sha-256":
			s := sha256.Sum256(body)
			sum = s[:]
		case "sha-512":
			s := sha512.Sum512(body)
			sum = s[:]
		default:
			continue
		}
		m, _ := d.Get(algo)
		it, ok := m.(httpsfv.Item)
		got, isBytes := it.Value.([]byte)
		if !ok || !isBytes {
			return fmt.Errorf("malformed Content-Digest header: %s is not a byte sequence", algo)
		}
		if subtle.ConstantTimeCompare(got, sum) != 1 {
			return fmt.Errorf("the Content-Digest header's %s does not match the body", algo)
		}
		checked++
	}
	if checked == 0 {
		return errors.New("the Content-Digest header has no sha-256 or sha-512 value")
	}
	return nil
}

// Verify checks the signature with key, by the algorithm the signature
// names, or when it names none, by the key's type (rsa-v1_5-sha256 or
// rsa-pss-sha512 for an RSA key, ed25519 for an Ed25519 key). An
// algorithm that does not fit the key is refused.
func (RFC9421Verifier) Verify(r *http.Request, p *Params, key crypto.PublicKey) error {
	if p.rfc9421 == nil {
		return errors.New("not an RFC 9421 signature")
	}
	base, err := signatureBase(r, p.rfc9421)
	if err != nil {
		return err
	}
	return verifyBase(base, p.rfc9421.sig, p.Algorithm, key)
}

// verifyBase checks sig over the signature base with key and alg.
func verifyBase(base string, sig []byte, alg string, key crypto.PublicKey) error {
	switch k := key.(type) {
	case *rsa.PublicKey:
		v15 := func() error {
			sum := sha256.Sum256([]byte(base))
			return rsa.VerifyPKCS1v15(k, crypto.SHA256, sum[:], sig)
		}
		pss := func() error {
			sum := sha512.Sum512([]byte(base))
			return rsa.VerifyPSS(k, crypto.SHA512, sum[:], sig, &rsa.PSSOptions{SaltLength: 64})
		}
		switch alg {
		case AlgRSAv15SHA256:
			return v15()
		case AlgRSAPSSSHA512:
			return pss()
		case "":
			// Both RSA algorithms of the registry fit an RSA key; what
			// Mastodon and Fedify send first.
			if v15() == nil {
				return nil
			}
			return pss()
		}
		return fmt.Errorf("the signature's algorithm %s does not fit an RSA key", alg)
	case ed25519.PublicKey:
		if alg != "" && alg != AlgEd25519 {
			return fmt.Errorf("the signature's algorithm %s does not fit an Ed25519 key", alg)
		}
		if !ed25519.Verify(k, []byte(base), sig) {
			return errors.New("ed25519 verification error")
		}
		return nil
	}
	return fmt.Errorf("a %T key cannot verify an RFC 9421 signature", key)
}

// signatureBase builds the signature base of RFC 9421 section 2.5: a line
// per covered component, then the signature parameters.
func signatureBase(r *http.Request, in *rfc9421Input) (string, error) {
	var b strings.Builder
	for _, it := range in.components.Items {
		id, err := httpsfv.Marshal(it)
		if err != nil {
			return "", err
		}
		v, err := componentValue(r, it)
		if err != nil {
			return "", err
		}
		if strings.ContainsAny(v, "\r\n") {
			return "", fmt.Errorf("the component %s holds a line break", id)
		}
		b.WriteString(id)
		b.WriteString(": ")
		b.WriteString(v)
		b.WriteByte('\n')
	}
	params, err := serializeInnerList(in.label, in.components)
	if err != nil {
		return "", err
	}
	b.WriteString(`"@signature-params": `)
	b.WriteString(params)
	return b.String(), nil
}

// serializeInnerList is the serialized Signature-Input member, the value
// of @signature-params.
func serializeInnerList(label string, il httpsfv.InnerList) (string, error) {
	d := httpsfv.NewDictionary()
	d.Add(label, il)
	s, err := httpsfv.Marshal(d)
	if err != nil {
		return "", err
	}
	return strings.TrimPrefix(s, label+"="), nil
}

// componentValue is the value of one covered component of the request.
func componentValue(r *http.Request, it httpsfv.Item) (string, error) {
	name := it.Value.(string) // componentID checked it
	switch name {
	case "@method":
		return r.Method, nil
	case "@authority":
		return authority(r), nil
	case "@scheme":
		return scheme(r), nil
	case "@target-uri":
		return scheme(r) + "://" + authority(r) + requestTarget(r), nil
	case "@request-target":
		return requestTarget(r), nil
	case "@path":
		if p := r.URL.EscapedPath(); p != "" {
			return p, nil
		}
		return "/", nil
	case "@query":
		return "?" + r.URL.RawQuery, nil
	case "@query-param":
		return queryParam(r, it)
	}
	if strings.HasPrefix(name, "@") {
		return "", fmt.Errorf("the component %s is not one a request has", name)
	}
	return fieldValue(r, name, it.Params)
}

// scheme is the request's scheme: as the hub set it on r.URL (it knows
// its public URL, behind a proxy too), or as the connection was.
func scheme(r *http.Request) string {
	if r.URL.Scheme != "" {
		return strings.ToLower(r.URL.Scheme)
	}
	if r.TLS != nil {
		return "https"
	}
	return "http"
}

// authority is the request's host, lower case, without the scheme's
// default port.
func authority(r *http.Request) string {
	h := r.Host
	if h == "" {
		h = r.URL.Host
	}
	h = strings.ToLower(h)
	switch s := scheme(r); {
	case s == "https" && strings.HasSuffix(h, ":443"):
		h = strings.TrimSuffix(h, ":443")
	case s == "http" && strings.HasSuffix(h, ":80"):
		h = strings.TrimSuffix(h, ":80")
	}
	return h
}

// requestTarget is the path and query the request was sent to.
func requestTarget(r *http.Request) string {
	if strings.HasPrefix(r.RequestURI, "/") {
		return r.RequestURI
	}
	return r.URL.RequestURI()
}

// queryParam is the value of the query parameter @query-param names,
// percent-encoded again (RFC 9421 section 2.2.8); one that appears more
// than once cannot be covered.
func queryParam(r *http.Request, it httpsfv.Item) (string, error) {
	n, _ := it.Params.Get("name")
	want, ok := n.(string)
	if !ok {
		return "", errors.New("@query-param's name must be a string")
	}
	want, err := url.QueryUnescape(want)
	if err != nil {
		return "", fmt.Errorf("@query-param's name: %v", err)
	}
	var found []string
	for _, pair := range strings.Split(r.URL.RawQuery, "&") {
		k, v, _ := strings.Cut(pair, "=")
		dk, err1 := url.QueryUnescape(k)
		dv, err2 := url.QueryUnescape(v)
		if err1 == nil && err2 == nil && dk == want {
			found = append(found, strings.ReplaceAll(url.QueryEscape(dv), "+", "%20"))
		}
	}
	if len(found) != 1 {
		return "", fmt.Errorf("the query parameter %s appears %d times, not once", want, len(found))
	}
	return found[0], nil
}

// fieldValue is a header field's value: its lines trimmed and joined by
// ", ", or with key one member of it as a dictionary, or with bs each line
// as a byte sequence.
func fieldValue(r *http.Request, name string, params *httpsfv.Params) (string, error) {
	values := r.Header.Values(name)
	if len(values) == 0 && name == "host" && r.Host != "" {
		values = []string{r.Host} // Go keeps a server request's Host out of r.Header
	}
	if len(values) == 0 {
		return "", fmt.Errorf("the signed header %s is missing", name)
	}
	for i, v := range values {
		values[i] = strings.Trim(v, " \t")
	}
	key, hasKey := params.Get("key")
	_, hasBS := params.Get("bs")
	switch {
	case hasKey && hasBS:
		return "", fmt.Errorf("the component %s cannot have both key and bs", name)
	case hasBS:
		for i, v := range values {
			values[i] = ":" + base64.StdEncoding.EncodeToString([]byte(v)) + ":"
		}
	case hasKey:
		k, ok := key.(string)
		if !ok {
			return "", fmt.Errorf("the key of %s must be a string", name)
		}
		d, err := httpsfv.UnmarshalDictionary(values)
		if err != nil {
			return "", fmt.Errorf("the header %s is not a dictionary: %v", name, err)
		}
		m, ok := d.Get(k)
		if !ok {
			return "", fmt.Errorf("the header %s has no member %s", name, k)
		}
		one := httpsfv.NewDictionary()
		one.Add(k, m)
		s, err := httpsfv.Marshal(one)
		if err != nil {
			return "", err
		}
		if v, ok := strings.CutPrefix(s, k+"="); ok {
			return v, nil
		}
		return "?1" + s[len(k):], nil // a true member is serialized as its bare key
	}
	return strings.Join(values, ", "), nil
}
